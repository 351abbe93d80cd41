package io.emotionstream.frame;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;

/** Decodes encoded images (JPEG, PNG, ...) into 8-bit 3-channel BGR {@link Mat}s. */
public final class ImageDecoding {

  private ImageDecoding() {}

  /** Thrown when bytes are not an image OpenCV can decode. */
  public static final class UndecodableImageException extends IllegalArgumentException {
    public UndecodableImageException(String message) {
      super(message);
    }
  }

  /**
   * Decodes {@code bytes}; the caller closes the result.
   *
   * @param what names the source in the error message (a file name, a record key)
   * @throws UndecodableImageException when the bytes are empty or not a decodable image
   */
  public static Mat decodeBgr(byte[] bytes, String what) {
    if (bytes == null || bytes.length == 0) {
      throw new UndecodableImageException("cannot decode image " + what + ": no bytes");
    }
    Mat image;
    try (BytePointer data = new BytePointer(bytes); Mat encoded = new Mat(1, bytes.length,
        org.bytedeco.opencv.global.opencv_core.CV_8UC1, data)) {
      image = imdecode(encoded, IMREAD_COLOR);
    }
    if (image == null || image.empty()) {
      if (image != null) {
        image.close();
      }
      throw new UndecodableImageException("cannot decode image " + what + " (" + bytes.length
          + " bytes, starts " + head(bytes) + "): not a format OpenCV reads");
    }
    return image;
  }

  /** Decodes {@code bytes}; errors say "image" without a source. */
  public static Mat decodeBgr(byte[] bytes) {
    return decodeBgr(bytes, "(in memory)");
  }

  /** Reads and decodes an image file; the caller closes the result. */
  public static Mat readBgr(Path file) {
    try {
      return decodeBgr(Files.readAllBytes(file), file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read image " + file, e);
    }
  }

  private static String head(byte[] bytes) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < Math.min(4, bytes.length); i++) {
      s.append(String.format("%02x", bytes[i] & 0xFF));
    }
    return s.toString();
  }
}
