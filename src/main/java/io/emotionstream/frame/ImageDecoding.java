package io.emotionstream.frame;

import static org.bytedeco.opencv.global.opencv_core.flip;
import static org.bytedeco.opencv.global.opencv_core.transpose;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_IGNORE_ORIENTATION;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Decodes encoded images (JPEG, PNG, ...) into 8-bit 3-channel BGR {@link Mat}s, <b>as they are
 * shown</b>: a JPEG's EXIF orientation ({@link ImageHeader#orientation()}, read by our own header
 * parser) is applied, so that the portrait photo of a phone (stored sideways with orientation 6) is
 * upright, as its faces must be for the detector. OpenCV is told to ignore the orientation and the
 * turn is applied here from the same header the processor checks the frame's size against, so that
 * the size check and the decoded picture can never disagree (OpenCV applied it on its own and a
 * portrait JPEG was dead-lettered: "decoded image is 384x381, frame declares 381x384"). PNG is
 * decoded as stored.
 */
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
      image = imdecode(encoded, IMREAD_COLOR | IMREAD_IGNORE_ORIENTATION);
    }
    if (image == null || image.empty()) {
      if (image != null) {
        image.close();
      }
      throw new UndecodableImageException("cannot decode image " + what + " (" + bytes.length
          + " bytes, starts " + head(bytes) + "): not a format OpenCV reads");
    }
    ImageHeader header = ImageHeader.read(bytes);
    if (header != null && header.orientation() != 1) {
      orient(image, header.orientation());
    }
    return image;
  }

  /**
   * Turns or mirrors {@code image} in place from its stored pixels to the picture as shown, for EXIF
   * orientation 2 to 8 (the same steps as OpenCV's own EXIF handling).
   */
  public static void orient(Mat image, int orientation) {
    switch (orientation) {
      case 2 -> flip(image, image, 1);
      case 3 -> flip(image, image, -1);
      case 4 -> flip(image, image, 0);
      case 5 -> transpose(image, image);
      case 6 -> {
        transpose(image, image);
        flip(image, image, 1);
      }
      case 7 -> {
        transpose(image, image);
        flip(image, image, -1);
      }
      case 8 -> {
        transpose(image, image);
        flip(image, image, 0);
      }
      default -> {
        // 1: as stored
      }
    }
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
