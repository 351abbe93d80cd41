package io.emotionstream.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A region of a camera's view, its corners as fractions of the frame: x from 0 (left edge) to 1
 * (right edge), y from 0 (top edge) to 1 (bottom edge). Fractions, not pixels, so that one
 * polygon holds at any resolution: ingest may scale frames down ({@code max-side}), a camera may
 * switch between its main and sub stream, and the processor detects on a scaled copy of large
 * frames. Written in the camera file as a list of {@code [x, y]} pairs.
 */
public final class Polygon {

  private final double[] xs;
  private final double[] ys;

  /**
   * @param xs corner x coordinates, fractions of the width
   * @param ys corner y coordinates, fractions of the height
   * @throws IllegalArgumentException for fewer than 3 corners or a coordinate outside [0, 1]
   */
  public Polygon(double[] xs, double[] ys) {
    if (xs.length != ys.length) {
      throw new IllegalArgumentException("a polygon needs as many x as y coordinates");
    }
    if (xs.length < 3) {
      throw new IllegalArgumentException("a polygon needs at least 3 corners, got " + xs.length);
    }
    for (int i = 0; i < xs.length; i++) {
      if (!(xs[i] >= 0 && xs[i] <= 1 && ys[i] >= 0 && ys[i] <= 1)) {
        throw new IllegalArgumentException(String.format(Locale.ROOT, "corner %d [%s, %s] lies outside the frame:"
            + " coordinates are fractions of the frame from 0 to 1", i + 1, xs[i], ys[i]));
      }
    }
    this.xs = xs.clone();
    this.ys = ys.clone();
  }

  /** The rectangle from ({@code x1}, {@code y1}) to ({@code x2}, {@code y2}), in fractions. */
  public static Polygon rectangle(double x1, double y1, double x2, double y2) {
    return new Polygon(new double[] {x1, x2, x2, x1}, new double[] {y1, y1, y2, y2});
  }

  /**
   * Whether the point ({@code x}, {@code y}), in fractions of the frame, lies inside (even-odd
   * rule; a point exactly on the left or top edge counts as inside, on the right or bottom edge as
   * outside, so that two polygons sharing an edge never both claim a point).
   */
  public boolean contains(double x, double y) {
    boolean inside = false;
    for (int i = 0, j = xs.length - 1; i < xs.length; j = i++) {
      if ((ys[i] > y) != (ys[j] > y)) {
        double crossX = xs[j] + (y - ys[j]) * (xs[i] - xs[j]) / (ys[i] - ys[j]);
        if (x < crossX) {
          inside = !inside;
        }
      }
    }
    return inside;
  }

  /** Whether the pixel point ({@code px}, {@code py}) of a {@code width} x {@code height} frame lies inside. */
  public boolean containsPixel(double px, double py, int width, int height) {
    return width > 0 && height > 0 && contains(px / width, py / height);
  }

  public int corners() {
    return xs.length;
  }

  /** The corners as {@code [x, y]} pairs, as written in the camera file. */
  public List<double[]> points() {
    List<double[]> out = new ArrayList<>(xs.length);
    for (int i = 0; i < xs.length; i++) {
      out.add(new double[] {xs[i], ys[i]});
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Polygon p && java.util.Arrays.equals(xs, p.xs) && java.util.Arrays.equals(ys, p.ys);
  }

  @Override
  public int hashCode() {
    return 31 * java.util.Arrays.hashCode(xs) + java.util.Arrays.hashCode(ys);
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("[");
    for (int i = 0; i < xs.length; i++) {
      out.append(i == 0 ? "" : ", ").append('[').append(xs[i]).append(", ").append(ys[i]).append(']');
    }
    return out.append(']').toString();
  }
}
