package io.emotionstream.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;

/**
 * One HTTP request to a camera with the JDK's {@link HttpURLConnection}: a connect timeout, a read
 * timeout that applies to every read of the body (what finds a stalled stream), Basic credentials
 * sent with the request, and HTTP errors turned into {@link CameraException}s (401 and 403 are
 * lasting: the password is wrong; redirects are not followed, so that credentials never go elsewhere). The JDK's newer {@code HttpClient} has no read timeout on a
 * streamed body, so a stalled MJPEG stream would block it forever.
 */
final class HttpCamera {

  private HttpCamera() {}

  /** An answered request: status 200, its content type and body. */
  record Response(HttpURLConnection connection, String contentType, InputStream body) implements AutoCloseable {
    /**
     * Drops the connection: disconnect first, since closing the body of an unfinished response
     * would first try to read the rest of it (for a stalled camera: one more read timeout).
     */
    @Override
    public void close() {
      connection.disconnect();
      try {
        body.close();
      } catch (IOException e) {
        // closing a broken connection
      }
    }
  }

  /** @param shown the address as shown in messages (without password) */
  static Response get(String address, String shown, Credentials credentials, Duration connectTimeout,
      Duration readTimeout) throws CameraException {
    HttpURLConnection c;
    try {
      c = (HttpURLConnection) URI.create(address).toURL().openConnection();
    } catch (IOException | IllegalArgumentException e) {
      throw CameraException.lasting("cannot use " + shown + ": " + Redaction.describe(e));
    }
    c.setConnectTimeout((int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()));
    c.setReadTimeout((int) Math.min(Integer.MAX_VALUE, readTimeout.toMillis()));
    // no redirects: the credentials would travel along to wherever the camera points
    c.setInstanceFollowRedirects(false);
    c.setUseCaches(false);
    c.setRequestProperty("User-Agent", "emotion-stream-ingest");
    String authorization = credentials.basicAuthorization();
    if (authorization != null) {
      c.setRequestProperty("Authorization", authorization);
    }
    int status;
    try {
      status = c.getResponseCode();
    } catch (SocketTimeoutException e) {
      c.disconnect();
      throw CameraException.transientFailure("no answer from " + shown + " within "
          + connectTimeout.toMillis() + " ms (connect) / " + readTimeout.toMillis() + " ms (read)");
    } catch (ConnectException e) {
      c.disconnect();
      throw CameraException.transientFailure("cannot connect to " + shown + ": " + Redaction.describe(e));
    } catch (UnknownHostException e) {
      c.disconnect();
      throw CameraException.transientFailure("unknown host in " + shown);
    } catch (IOException e) {
      c.disconnect();
      throw CameraException.transientFailure("request to " + shown + " failed: " + Redaction.describe(e));
    }
    if (status == 401 || status == 403) {
      String challenge = c.getHeaderField("WWW-Authenticate");
      c.disconnect();
      if (challenge != null && challenge.toLowerCase(Locale.ROOT).startsWith("digest")) {
        throw CameraException.lasting(shown + " answered " + status + " and asks for HTTP Digest authentication:"
            + " set 'source: ffmpeg' for this camera (FFmpeg speaks Digest)");
      }
      throw CameraException.lasting(shown + " refused the credentials (HTTP " + status + "): "
          + (credentials.user() == null ? "it needs a username and password" : "check the username and password"));
    }
    if (status >= 300 && status < 400) {
      String location = c.getHeaderField("Location");
      c.disconnect();
      throw CameraException.lasting(shown + " redirects (HTTP " + status + ") to " + Redaction.redact(location)
          + ": put that address into the camera list (redirects are not followed, so that credentials stay with the camera)");
    }
    if (status != 200) {
      c.disconnect();
      throw CameraException.transientFailure(shown + " answered HTTP " + status);
    }
    try {
      return new Response(c, c.getContentType(), c.getInputStream());
    } catch (IOException e) {
      c.disconnect();
      throw CameraException.transientFailure("reading " + shown + " failed: " + Redaction.describe(e));
    }
  }
}
