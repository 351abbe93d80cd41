package io.emotionstream.detect;

import java.util.ArrayList;
import java.util.List;

/** The scales at which P-Net scans an image. */
final class ImagePyramid {

  /** P-Net's window side in pixels. */
  static final int WINDOW = 12;

  private ImagePyramid() {}

  /**
   * Scales from {@code 12 / minFace} down by {@code factor} while the shorter side, scaled, is at
   * least 12 pixels (smaller levels cannot hold one P-Net window).
   */
  static List<Double> scales(int width, int height, int minFace, double factor) {
    List<Double> scales = new ArrayList<>();
    double m = (double) WINDOW / minFace;
    double minSide = Math.min(width, height) * m;
    double scale = m;
    while (minSide >= WINDOW) {
      scales.add(scale);
      scale *= factor;
      minSide *= factor;
    }
    return scales;
  }

  /** Height or width of the resized image at {@code scale} (as the reference: truncate(n*s + 1)). */
  static int scaledSize(int size, double scale) {
    return (int) (size * scale + 1);
  }
}
