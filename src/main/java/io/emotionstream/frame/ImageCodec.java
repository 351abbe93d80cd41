package io.emotionstream.frame;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;

/** Encoded image bytes to and from OpenCV BGR Mats. */
public final class ImageCodec {

  private ImageCodec() {}

  /**
   * Decodes a JPEG or PNG into an 8-bit BGR Mat that the caller closes.
   *
   * @return the image, or {@code null} when OpenCV cannot decode the bytes
   */
  public static Mat decodeBgr(byte[] bytes) {
    try (BytePointer data = new BytePointer(bytes); Mat buffer = new Mat(1, bytes.length, org.bytedeco.opencv.global.opencv_core.CV_8UC1, data)) {
      Mat image = imdecode(buffer, IMREAD_COLOR);
      if (image == null || image.empty()) {
        if (image != null) {
          image.close();
        }
        return null;
      }
      return image;
    }
  }

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
