package io.emotionstream.testing;

import io.emotionstream.frame.ImageCodec;
import io.emotionstream.frame.ImageDecoding;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * JPEGs as phones and cameras write them: the pixels stored turned or mirrored, with an EXIF
 * orientation saying how to show them, written by a real tool ({@code exiftool}, Debian's
 * {@code libimage-exiftool-perl}, which {@code .ci/run} installs).
 */
public final class ExifPhotos {

  private ExifPhotos() {}

  /** Whether {@code exiftool} can be run here. */
  public static boolean available() {
    try {
      Process p = new ProcessBuilder("exiftool", "-ver").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * A JPEG that shows {@code upright} when its EXIF orientation is applied: the pixels are stored
   * turned the other way (orientation 6, a phone's portrait shot: stored a quarter turn
   * anticlockwise), and exiftool writes the orientation tag.
   *
   * @param orientation 1 to 8
   */
  public static Path write(Mat upright, int orientation, Path file) throws IOException, InterruptedException {
    try (Mat stored = upright.clone()) {
      // orientations 6 and 8 undo each other; every other one undoes itself
      ImageDecoding.orient(stored, orientation == 6 ? 8 : orientation == 8 ? 6 : orientation);
      Files.write(file, ImageCodec.encode(stored, ".jpg", 95));
    }
    Process p = new ProcessBuilder(List.of("exiftool", "-overwrite_original", "-n", "-Orientation=" + orientation,
        file.toString())).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("exiftool could not set the orientation of " + file + ": " + out);
    }
    return file;
  }
}
