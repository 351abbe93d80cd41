package io.emotionstream.frame;

import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;

/** OpenCV BGR Mats to JPEG or PNG bytes (decoding: {@link ImageDecoding}). */
public final class ImageCodec {

  private ImageCodec() {}

  /**
   * Encodes a BGR Mat.
   *
   * @param extension ".jpg" or ".png"
   * @param jpegQuality 1-100, used for JPEG only
   */
  public static byte[] encode(Mat image, String extension, int jpegQuality) {
    try (BytePointer out = new BytePointer();
        IntPointer params = new IntPointer(org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY, jpegQuality)) {
      boolean ok = extension.equalsIgnoreCase(".png") ? imencode(extension, image, out) : imencode(extension, image, out, params);
      if (!ok) {
        throw new IllegalArgumentException("OpenCV cannot encode a " + image.cols() + "x" + image.rows() + " image as " + extension);
      }
      byte[] bytes = new byte[(int) out.limit()];
      out.get(bytes);
      return bytes;
    }
  }
}
