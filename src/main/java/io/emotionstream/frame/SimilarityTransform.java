package io.emotionstream.frame;

/**
 * Least-squares similarity transform (rotation, uniform scale, translation) between two point
 * sets, in closed form.
 *
 * <p>Our own instead of OpenCV's {@code estimateAffinePartial2D}: with only five landmarks its
 * robust estimators (RANSAC, LMedS) may discard points and vary with their thresholds, while a
 * face crop wants the plain least-squares fit over all five.
 */
final class SimilarityTransform {

  private SimilarityTransform() {}

  /**
   * The 2x3 matrix {@code [a -b tx; b a ty]} (row-major) minimising the squared distances from the
   * transformed {@code from} points to the {@code to} points; both hold x, y pairs.
   */
  static double[] fit(double[] from, double[] to) {
    if (from.length != to.length || from.length < 4 || from.length % 2 != 0) {
      throw new IllegalArgumentException("need matching lists of at least two points");
    }
    int n = from.length / 2;
    double fx = 0, fy = 0, tx = 0, ty = 0;
    for (int i = 0; i < n; i++) {
      fx += from[2 * i];
      fy += from[2 * i + 1];
      tx += to[2 * i];
      ty += to[2 * i + 1];
    }
    fx /= n;
    fy /= n;
    tx /= n;
    ty /= n;
    double norm = 0, dot = 0, cross = 0;
    for (int i = 0; i < n; i++) {
      double px = from[2 * i] - fx;
      double py = from[2 * i + 1] - fy;
      double qx = to[2 * i] - tx;
      double qy = to[2 * i + 1] - ty;
      norm += px * px + py * py;
      dot += px * qx + py * qy;
      cross += px * qy - py * qx;
    }
    if (norm < 1e-12) {
      throw new IllegalArgumentException("landmarks coincide: no transform");
    }
    double a = dot / norm;
    double b = cross / norm;
    return new double[] {a, -b, tx - (a * fx - b * fy), b, a, ty - (b * fx + a * fy)};
  }
}
