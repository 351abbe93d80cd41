package io.emotionstream.ingest;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * An HTTP MJPEG camera ({@code multipart/x-mixed-replace}): every part is read as it arrives and its
 * JPEG bytes are handed on undecoded. Closing from another thread ends a blocked read.
 */
final class MjpegHttpStream implements CameraStream {

  private final HttpCamera.Response response;
  private final MultipartJpegReader parts;
  private final Duration readTimeout;
  private final String shown;
  private long number;

  MjpegHttpStream(HttpCamera.Response response, String shown, int maxPartBytes, Duration readTimeout)
      throws CameraException {
    String boundary = MultipartJpegReader.boundary(response.contentType());
    if (boundary == null) {
      response.close();
      throw CameraException.transientFailure(shown + " sent " + response.contentType() + " without a boundary");
    }
    this.response = response;
    this.shown = shown;
    this.readTimeout = readTimeout;
    this.parts = new MultipartJpegReader(response.body(), boundary, maxPartBytes, Instant::now);
  }

  static boolean isMjpeg(String contentType) {
    return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("multipart/x-mixed-replace");
  }

  @Override
  public CapturedFrame read(boolean wanted) throws CameraException {
    while (true) {
      MultipartJpegReader.Part part;
      try {
        part = parts.next();
      } catch (SocketTimeoutException e) {
        throw CameraException.transientFailure("no frame from " + shown + " for " + readTimeout.toMillis()
            + " ms (read timeout)");
      } catch (EOFException e) {
        throw CameraException.transientFailure(shown + " closed the stream: " + e.getMessage());
      } catch (IOException e) {
        throw CameraException.transientFailure("reading " + shown + " failed: " + Redaction.describe(e));
      }
      if (part == null) {
        throw CameraException.transientFailure(shown + " ended the stream");
      }
      String type = part.contentType();
      if (type != null && !type.toLowerCase(Locale.ROOT).startsWith("image/jpeg")
          && !type.toLowerCase(Locale.ROOT).startsWith("image/jpg")) {
        continue; // e.g. a text part between images: not a frame
      }
      return CapturedFrame.jpeg(part.body(), part.arrived(), number++);
    }
  }

  @Override
  public String description() {
    return "HTTP MJPEG";
  }

  @Override
  public void close() {
    response.close();
  }

  @Override
  public boolean interruptible() {
    return true;
  }
}
