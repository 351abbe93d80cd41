package io.emotionstream.ingest;

import java.time.Instant;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * One frame as read from a camera: either the camera's own JPEG bytes (MJPEG, snapshots), or a
 * decoded BGR image owned by this object (video streams), or nothing when the reader was told
 * that nobody wants this frame (decoded but not converted: a skipped frame).
 *
 * @param captureTime the moment the frame was read from the source
 * @param number the frame's position in the source since the connection opened
 */
record CapturedFrame(Instant captureTime, long number, byte[] jpeg, Mat image, int width, int height)
    implements AutoCloseable {

  static CapturedFrame jpeg(byte[] bytes, Instant captureTime, long number) {
    return new CapturedFrame(captureTime, number, bytes, null, 0, 0);
  }

  /** @param image a BGR image that this frame owns and closes */
  static CapturedFrame decoded(Mat image, Instant captureTime, long number) {
    return new CapturedFrame(captureTime, number, null, image, image.cols(), image.rows());
  }

  static CapturedFrame skipped(Instant captureTime, long number) {
    return new CapturedFrame(captureTime, number, null, null, 0, 0);
  }

  /** Whether the frame carries an image (JPEG bytes or pixels). */
  boolean hasImage() {
    return jpeg != null || image != null;
  }

  @Override
  public void close() {
    if (image != null) {
      image.close();
    }
  }
}
