package io.emotionstream.ops;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * One request of the operations port, as the JDK's {@link HttpExchange} that the handlers are
 * written against: the request head was read in full by {@link OpsListener} before the handler
 * runs, and what the handler writes is handed to the listener's thread, which writes it to the
 * client without blocking the handler. A response with a length is sent as one; a response of
 * unknown length (an event stream) is sent as the handler flushes it, and ends with the connection.
 * Every response closes its connection.
 */
final class OpsExchange extends HttpExchange {

  /** Where the bytes of a response go (the connection). */
  interface Sink {
    /**
     * @param last whether these are the last bytes of the response
     * @param stream whether the response is a stream of unknown length
     * @throws IOException when the connection is gone or the client reads too slowly
     */
    void send(ByteBuffer bytes, boolean last, boolean stream) throws IOException;
  }

  /** A parsed request head. */
  record Request(String method, URI uri, String protocol, Headers headers) {}

  private final Request request;
  private final Sink sink;
  private final InetSocketAddress remote;
  private final InetSocketAddress local;
  private final Headers responseHeaders = new Headers();
  private final Map<String, Object> attributes = new HashMap<>();
  private int code = -1;
  private boolean stream;
  private boolean bodyless;
  private Body body;
  private InputStream requestBody = InputStream.nullInputStream();

  OpsExchange(Request request, Sink sink, InetSocketAddress remote, InetSocketAddress local) {
    this.request = request;
    this.sink = sink;
    this.remote = remote;
    this.local = local;
  }

  /** Index just past the blank line that ends a request head in {@code b[0, length)}, or -1. */
  static int headEnd(byte[] b, int length) {
    for (int i = 0; i + 1 < length; i++) {
      if (b[i] == '\n' && b[i + 1] == '\n') {
        return i + 2;
      }
      if (i + 3 < length && b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
        return i + 4;
      }
    }
    return -1;
  }

  /**
   * Parses a request head (request line and headers, ISO-8859-1).
   *
   * @throws IllegalArgumentException saying what is malformed (answered 400)
   */
  static Request parse(byte[] b, int end) {
    String head = new String(b, 0, end, StandardCharsets.ISO_8859_1);
    String[] lines = head.split("\r?\n");
    String[] parts = lines[0].split(" ");
    if (parts.length != 3 || !parts[2].startsWith("HTTP/1.") || parts[0].isEmpty()) {
      throw new IllegalArgumentException("malformed request line");
    }
    if (!parts[1].startsWith("/")) {
      throw new IllegalArgumentException("the request target must be a path");
    }
    URI uri;
    try {
      uri = new URI(parts[1]);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("malformed request target: " + e.getReason());
    }
    Headers headers = new Headers();
    for (int i = 1; i < lines.length; i++) {
      String line = lines[i];
      if (line.isEmpty()) {
        continue;
      }
      int colon = line.indexOf(':');
      if (colon <= 0 || Character.isWhitespace(line.charAt(0))) {
        throw new IllegalArgumentException("malformed header line " + (i + 1));
      }
      headers.add(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
    }
    return new Request(parts[0], uri, parts[2], headers);
  }

  static String reasonPhrase(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 307 -> "Temporary Redirect";
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 408 -> "Request Timeout";
      case 431 -> "Request Header Fields Too Large";
      case 500 -> "Internal Server Error";
      case 503 -> "Service Unavailable";
      default -> "Status " + status;
    };
  }

  @Override
  public Headers getRequestHeaders() {
    return request.headers();
  }

  @Override
  public Headers getResponseHeaders() {
    return responseHeaders;
  }

  @Override
  public URI getRequestURI() {
    return request.uri();
  }

  @Override
  public String getRequestMethod() {
    return request.method();
  }

  /** There are no contexts here: one handler answers every path. */
  @Override
  public HttpContext getHttpContext() {
    return null;
  }

  @Override
  public void close() {
    try {
      if (code < 0) {
        sendResponseHeaders(500, -1);
      }
      getResponseBody().close();
    } catch (IOException e) {
      // the client is gone
    }
  }

  @Override
  public InputStream getRequestBody() {
    return requestBody;
  }

  @Override
  public OutputStream getResponseBody() {
    if (body == null) {
      body = new Body();
    }
    return body;
  }

  /**
   * @param length the body's length; 0: unknown (a stream, sent as flushed, ended by closing the
   *     connection); -1: no body
   */
  @Override
  public void sendResponseHeaders(int status, long length) throws IOException {
    if (code >= 0) {
      throw new IOException("response headers already sent");
    }
    code = status;
    stream = length == 0;
    bodyless = length < 0 || request.method().equals("HEAD");
    StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reasonPhrase(status))
        .append("\r\n");
    responseHeaders.remove("Connection");
    responseHeaders.remove("Content-Length");
    responseHeaders.forEach((name, values) -> values.forEach(v -> head.append(name).append(": ")
        .append(v.replace('\r', ' ').replace('\n', ' ')).append("\r\n")));
    if (!stream) {
      head.append("Content-Length: ").append(Math.max(0, length)).append("\r\n");
    }
    head.append("Connection: close\r\n\r\n");
    sink.send(ByteBuffer.wrap(head.toString().getBytes(StandardCharsets.ISO_8859_1)), bodyless, stream);
  }

  @Override
  public InetSocketAddress getRemoteAddress() {
    return remote;
  }

  @Override
  public int getResponseCode() {
    return code;
  }

  @Override
  public InetSocketAddress getLocalAddress() {
    return local;
  }

  @Override
  public String getProtocol() {
    return request.protocol();
  }

  @Override
  public Object getAttribute(String name) {
    return attributes.get(name);
  }

  @Override
  public void setAttribute(String name, Object value) {
    attributes.put(name, value);
  }

  @Override
  public void setStreams(InputStream in, OutputStream out) {
    if (in != null) {
      requestBody = in;
    }
  }

  @Override
  public HttpPrincipal getPrincipal() {
    return null;
  }

  /** The response body: collected, handed to the connection when flushed or closed. */
  private final class Body extends OutputStream {
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private boolean closed;

    @Override
    public void write(int b) throws IOException {
      check();
      buffer.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      check();
      buffer.write(b, off, len);
    }

    private void check() throws IOException {
      if (code < 0) {
        throw new IOException("response body written before the headers");
      }
      if (closed) {
        throw new IOException("response body closed");
      }
    }

    @Override
    public void flush() throws IOException {
      if (closed || code < 0 || bodyless) {
        return;
      }
      if (buffer.size() > 0) {
        sink.send(ByteBuffer.wrap(buffer.toByteArray()), false, stream);
        buffer.reset();
      }
    }

    @Override
    public void close() throws IOException {
      if (closed || code < 0) {
        return;
      }
      closed = true;
      if (!bodyless) {
        sink.send(ByteBuffer.wrap(buffer.toByteArray()), true, stream);
      }
      buffer.reset();
    }
  }
}
