package io.emotionstream.ingest;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;

/**
 * An HTTP camera that answers one JPEG per request: fetched only when the sender wants a frame, so
 * at most at the camera's rate. The first answer (the one that told {@code ingest} what the URL
 * serves) is the first frame. The capture time is when the answer's headers arrived.
 */
final class SnapshotHttpStream implements CameraStream {

  private final String address;
  private final String shown;
  private final Credentials credentials;
  private final Duration connectTimeout;
  private final Duration readTimeout;
  private final int maxBytes;
  private byte[] first;
  private Instant firstArrived;
  private long number;
  private volatile HttpCamera.Response current;

  SnapshotHttpStream(HttpCamera.Response firstResponse, String address, String shown, Credentials credentials,
      Duration connectTimeout, Duration readTimeout, int maxBytes) throws CameraException {
    this.address = address;
    this.shown = shown;
    this.credentials = credentials;
    this.connectTimeout = connectTimeout;
    this.readTimeout = readTimeout;
    this.maxBytes = maxBytes;
    this.firstArrived = Instant.now();
    try (firstResponse) {
      this.first = body(firstResponse);
    }
  }

  static boolean isJpeg(String contentType) {
    return contentType != null && (contentType.toLowerCase(java.util.Locale.ROOT).startsWith("image/jpeg")
        || contentType.toLowerCase(java.util.Locale.ROOT).startsWith("image/jpg"));
  }

  /** A snapshot camera is asked for each frame: only when the sender wants one. */
  @Override
  public boolean pull() {
    return true;
  }

  @Override
  public CapturedFrame read(boolean wanted) throws CameraException {
    if (first != null) {
      CapturedFrame f = CapturedFrame.jpeg(first, firstArrived, number++);
      first = null;
      return f;
    }
    HttpCamera.Response response = HttpCamera.get(address, shown, credentials, connectTimeout, readTimeout);
    Instant arrived = Instant.now();
    current = response;
    try (response) {
      if (!isJpeg(response.contentType())) {
        throw CameraException.transientFailure(shown + " answered " + response.contentType() + " instead of a JPEG");
      }
      return CapturedFrame.jpeg(body(response), arrived, number++);
    } finally {
      current = null;
    }
  }

  private byte[] body(HttpCamera.Response response) throws CameraException {
    try {
      byte[] bytes = response.body().readNBytes(maxBytes + 1);
      if (bytes.length > maxBytes) {
        throw CameraException.transientFailure(shown + " sent a snapshot above the limit of " + maxBytes + " bytes");
      }
      return bytes;
    } catch (SocketTimeoutException e) {
      throw CameraException.transientFailure("no snapshot from " + shown + " within " + readTimeout.toMillis()
          + " ms (read timeout)");
    } catch (IOException e) {
      throw CameraException.transientFailure("reading a snapshot from " + shown + " failed: " + Redaction.describe(e));
    }
  }

  @Override
  public String description() {
    return "HTTP JPEG snapshots";
  }

  @Override
  public void close() {
    HttpCamera.Response r = current;
    if (r != null) {
      r.close();
    }
  }

  @Override
  public boolean interruptible() {
    return true;
  }
}
