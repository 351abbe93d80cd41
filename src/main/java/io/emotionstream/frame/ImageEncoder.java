package io.emotionstream.frame;

import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import io.emotionstream.schema.ImageEncoding;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Turns decoded images into frames: optional downscale to a maximum width, then JPEG or PNG.
 *
 * @param format JPEG or PNG
 * @param maxWidth 0 to keep the size
 * @param jpegQuality 1-100
 */
public record ImageEncoder(ImageEncoding format, int maxWidth, int jpegQuality) {

  public ImageEncoder {
    if (format == null) {
      throw new IllegalArgumentException("image encoding must be JPEG or PNG");
    }
  }

  /** Whether original bytes of this format and width can be sent unchanged. */
  public boolean keepsAsIs(ImageEncoding originalFormat, int width) {
    return originalFormat == format && (maxWidth <= 0 || width <= maxWidth);
  }

  public EncodedImage encode(Mat bgr, String origin) {
    if (maxWidth > 0 && bgr.cols() > maxWidth) {
      int height = (int) Math.round((double) bgr.rows() * maxWidth / bgr.cols());
      try (Mat small = new Mat(); Size size = new Size(maxWidth, height)) {
        resize(bgr, small, size, 0, 0, INTER_AREA);
        return encodeAsIs(small, origin);
      }
    }
    return encodeAsIs(bgr, origin);
  }

  private EncodedImage encodeAsIs(Mat bgr, String origin) {
    byte[] bytes = ImageCodec.encode(bgr, format == ImageEncoding.PNG ? ".png" : ".jpg", jpegQuality);
    return new EncodedImage(bytes, format, bgr.cols(), bgr.rows(), origin);
  }
}
