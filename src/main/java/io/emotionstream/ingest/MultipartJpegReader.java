package io.emotionstream.ingest;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The parts of an HTTP {@code multipart/x-mixed-replace} body, as IP cameras serve MJPEG: each
 * part's bytes exactly as sent, never decoded. A part with a {@code Content-Length} header is read
 * by length; one without is read up to the next boundary. The JDK has no multipart reader and the
 * usual libraries (commons-fileupload, a servlet container) parse uploads, not endless streams,
 * hence these few lines: they bound each part's size, keep no more than one part in memory, and
 * note when each part began to arrive (the frame's capture time).
 */
final class MultipartJpegReader {

  /** One part: its body and the moment its headers had arrived. */
  record Part(byte[] body, Instant arrived, String contentType) {}

  private final InputStream in;
  private final byte[] delimiter;
  private final int maxPartBytes;
  private final Supplier<Instant> clock;
  private byte[] buf = new byte[64 * 1024];
  private int pos;
  private int limit;

  /**
   * @param boundary the {@code boundary} parameter of the content type (leading dashes, which some
   *     cameras include, are tolerated)
   * @param maxPartBytes a longer part is an error (a broken or hostile stream)
   */
  MultipartJpegReader(InputStream in, String boundary, int maxPartBytes, Supplier<Instant> clock) {
    this.in = in;
    String token = boundary;
    while (token.startsWith("-")) {
      token = token.substring(1);
    }
    if (token.isEmpty()) {
      throw new IllegalArgumentException("empty multipart boundary");
    }
    this.delimiter = ("--" + token).getBytes(StandardCharsets.ISO_8859_1);
    this.maxPartBytes = maxPartBytes;
    this.clock = clock;
  }

  /** The boundary parameter of a {@code multipart/x-mixed-replace} content type, or null. */
  static String boundary(String contentType) {
    if (contentType == null) {
      return null;
    }
    for (String param : contentType.split(";")) {
      String p = param.trim();
      if (p.toLowerCase(Locale.ROOT).startsWith("boundary=")) {
        String b = p.substring("boundary=".length()).trim();
        if (b.length() >= 2 && b.startsWith("\"") && b.endsWith("\"")) {
          b = b.substring(1, b.length() - 1);
        }
        return b.isEmpty() ? null : b;
      }
    }
    return null;
  }

  /**
   * The next part, or null when the stream ended cleanly (closing delimiter or end of input
   * between parts). A part cut off by the end of input is an {@link EOFException}, never returned.
   */
  Part next() throws IOException {
    int at = find(delimiter, pos, true);
    if (at < 0) {
      return null;
    }
    pos = at + delimiter.length;
    if (!ensure(2)) {
      return null;
    }
    if (buf[pos] == '-' && buf[pos + 1] == '-') {
      return null; // closing delimiter
    }
    skipLine();
    long length = -1;
    String type = null;
    while (true) {
      String line = readLine();
      if (line == null) {
        throw new EOFException("stream ended inside a part's headers");
      }
      if (line.isEmpty()) {
        break;
      }
      int colon = line.indexOf(':');
      if (colon > 0) {
        String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = line.substring(colon + 1).trim();
        if (name.equals("content-length")) {
          try {
            length = Long.parseLong(value);
          } catch (NumberFormatException e) {
            throw new IOException("part header Content-Length: " + value + " is not a number");
          }
        } else if (name.equals("content-type")) {
          type = value;
        }
      }
    }
    Instant arrived = clock.get();
    if (length > maxPartBytes) {
      throw new IOException("a part of " + length + " bytes is above the limit of " + maxPartBytes);
    }
    byte[] body;
    if (length >= 0) {
      if (!ensure((int) length)) {
        throw new EOFException("stream ended inside a part (" + (limit - pos) + " of " + length + " bytes)");
      }
      body = Arrays.copyOfRange(buf, pos, pos + (int) length);
      pos += (int) length;
    } else {
      byte[] next = new byte[delimiter.length + 2];
      next[0] = '\r';
      next[1] = '\n';
      System.arraycopy(delimiter, 0, next, 2, delimiter.length);
      int end = find(next, pos, false);
      if (end < 0) {
        throw new EOFException("stream ended inside a part (" + (limit - pos) + " bytes, no closing boundary)");
      }
      body = Arrays.copyOfRange(buf, pos, end);
      pos = end;
    }
    return new Part(body, arrived, type);
  }

  /** Position of {@code pattern} at or after {@code from}, reading more as needed; -1 at the end of input. */
  private int find(byte[] pattern, int from, boolean skipping) throws IOException {
    int scan = from;
    while (true) {
      for (int i = scan; i + pattern.length <= limit; i++) {
        if (buf[i] == pattern[0] && matches(pattern, i)) {
          return i;
        }
      }
      scan = Math.max(pos, limit - pattern.length + 1);
      if (skipping) {
        // bytes before a delimiter (preamble, the CRLF after a part) are not kept
        pos = scan;
      } else if (limit - pos > maxPartBytes) {
        throw new IOException("a part longer than the limit of " + maxPartBytes + " bytes");
      }
      int before = scan - pos;
      if (!fill()) {
        return -1;
      }
      scan = pos + before;
    }
  }

  private boolean matches(byte[] pattern, int at) {
    for (int j = 1; j < pattern.length; j++) {
      if (buf[at + j] != pattern[j]) {
        return false;
      }
    }
    return true;
  }

  /** Makes at least {@code n} bytes available from {@code pos}; false at the end of input. */
  private boolean ensure(int n) throws IOException {
    while (limit - pos < n) {
      if (!fill()) {
        return false;
      }
    }
    return true;
  }

  /** Reads more input after {@code limit}, compacting or growing the buffer; false at the end. */
  private boolean fill() throws IOException {
    if (pos > 0) {
      System.arraycopy(buf, pos, buf, 0, limit - pos);
      limit -= pos;
      pos = 0;
    }
    if (limit == buf.length) {
      buf = Arrays.copyOf(buf, Math.min(Math.max(buf.length * 2, 1), maxPartBytes + 64 * 1024));
      if (limit == buf.length) {
        throw new IOException("a part longer than the limit of " + maxPartBytes + " bytes");
      }
    }
    int n = in.read(buf, limit, buf.length - limit);
    if (n < 0) {
      return false;
    }
    limit += n;
    return true;
  }

  private void skipLine() throws IOException {
    if (readLine() == null) {
      throw new EOFException("stream ended after a boundary");
    }
  }

  /** A header line without its CRLF (or LF); null at the end of input. */
  private String readLine() throws IOException {
    int scan = pos;
    while (true) {
      for (int i = scan; i < limit; i++) {
        if (buf[i] == '\n') {
          int end = i > pos && buf[i - 1] == '\r' ? i - 1 : i;
          String line = new String(buf, pos, end - pos, StandardCharsets.ISO_8859_1);
          pos = i + 1;
          return line;
        }
      }
      if (limit - pos > 8192) {
        throw new IOException("a multipart header line longer than 8 KiB");
      }
      int before = limit - pos;
      if (!fill()) {
        return null;
      }
      scan = pos + before;
    }
  }
}
