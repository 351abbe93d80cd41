package io.emotionstream.ingest;

import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import io.emotionstream.frame.EncodedImage;
import io.emotionstream.frame.ImageCodec;
import io.emotionstream.frame.ImageDecoding;
import io.emotionstream.frame.ImageHeader;
import io.emotionstream.schema.ImageEncoding;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * A sampled frame as the JPEG that goes to Kafka. A camera's own JPEG (MJPEG, snapshots) is
 * forwarded byte for byte when it is complete, within {@code frame.max-bytes} and within
 * {@code max-side}; otherwise, and for decoded video, the image is encoded once: scaled down to
 * {@code max-side} when set, at {@code jpeg-quality}.
 */
final class FrameEncoder {

  /** The image to send, or why the frame was dropped. */
  record Outcome(EncodedImage image, boolean reencoded, CameraCounters.DropReason dropped, String detail) {

    static Outcome drop(CameraCounters.DropReason reason, String detail) {
      return new Outcome(null, false, reason, detail);
    }
  }

  private final int maxSide;
  private final int jpegQuality;
  private final long maxBytes;

  FrameEncoder(int maxSide, int jpegQuality, long maxBytes) {
    this.maxSide = maxSide;
    this.jpegQuality = jpegQuality;
    this.maxBytes = maxBytes;
  }

  Outcome encode(CapturedFrame frame, String origin) {
    if (frame.image() != null) {
      return encode(frame.image(), origin);
    }
    byte[] jpeg = frame.jpeg();
    ImageHeader header = ImageHeader.read(jpeg);
    if (header == null || header.format() != ImageEncoding.JPEG || !JpegCheck.complete(jpeg)) {
      return Outcome.drop(CameraCounters.DropReason.BROKEN_IMAGE, "not a complete JPEG (" + jpeg.length + " bytes)");
    }
    boolean fits = jpeg.length <= maxBytes && (maxSide == 0 || Math.max(header.width(), header.height()) <= maxSide);
    if (fits) {
      return new Outcome(new EncodedImage(jpeg, ImageEncoding.JPEG, header.width(), header.height(), origin), false, null, null);
    }
    Mat decoded;
    try {
      decoded = ImageDecoding.decodeBgr(jpeg, origin);
    } catch (RuntimeException e) {
      return Outcome.drop(CameraCounters.DropReason.BROKEN_IMAGE, "undecodable JPEG: " + e.getMessage());
    }
    try (decoded) {
      return encode(decoded, origin);
    }
  }

  private Outcome encode(Mat bgr, String origin) {
    int side = Math.max(bgr.cols(), bgr.rows());
    byte[] bytes;
    int width = bgr.cols();
    int height = bgr.rows();
    if (maxSide > 0 && side > maxSide) {
      double scale = (double) maxSide / side;
      width = Math.max(1, (int) Math.round(bgr.cols() * scale));
      height = Math.max(1, (int) Math.round(bgr.rows() * scale));
      try (Mat small = new Mat(); Size size = new Size(width, height)) {
        resize(bgr, small, size, 0, 0, INTER_AREA);
        bytes = ImageCodec.encode(small, ".jpg", jpegQuality);
      }
    } else {
      bytes = ImageCodec.encode(bgr, ".jpg", jpegQuality);
    }
    if (bytes.length > maxBytes) {
      return Outcome.drop(CameraCounters.DropReason.TOO_LARGE, width + "x" + height + " JPEG of " + bytes.length
          + " bytes is above frame.max-bytes (" + maxBytes + "); set max-side or a lower jpeg-quality");
    }
    return new Outcome(new EncodedImage(bytes, ImageEncoding.JPEG, width, height, origin), true, null, null);
  }
}
