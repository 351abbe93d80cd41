package io.emotionstream.emotion;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Test-time augmentation: a face is classified in several views and the probabilities of the
 * views are averaged. {@link #FLIP}: the face and its mirror image (2 passes); {@link #TEN_CROP}:
 * the published FER2013 protocol, the four corner crops and the centre crop of 44/48 of the face,
 * each resized back to the input size, with their mirror images (10 passes). The views lie inside
 * the training augmentation's range (shift and zoom up to 10%, flips), so the network has seen
 * faces framed like each of them. Used by {@code evaluate} and, with {@code inference.tta}, by the
 * processor; the cost is one network pass per view (see the README's figures).
 */
public enum TestTimeAugmentation {
  NONE, FLIP, TEN_CROP;

  /** The side of a crop of {@link #TEN_CROP} as a share of the face: 44 of 48 px. */
  static final double CROP_SHARE = 44.0 / 48.0;

  /**
   * One view: the face magnified by {@code zoom} around its centre moved by ({@code shiftX},
   * {@code shiftY}) (fractions of the side; positive shows more of the left or top), then mirrored
   * when {@code flip}.
   */
  public record View(double zoom, double shiftX, double shiftY, boolean flip) {}

  /** The views, the face as it is first. */
  public List<View> views() {
    return switch (this) {
      case NONE -> List.of(new View(1, 0, 0, false));
      case FLIP -> List.of(new View(1, 0, 0, false), new View(1, 0, 0, true));
      case TEN_CROP -> {
        double zoom = 1 / CROP_SHARE;
        double d = (1 - CROP_SHARE) / 2;
        double[][] centres = {{0, 0}, {d, d}, {-d, d}, {d, -d}, {-d, -d}};
        List<View> views = new ArrayList<>();
        for (double[] c : centres) {
          views.add(new View(zoom, c[0], c[1], false));
          views.add(new View(zoom, c[0], c[1], true));
        }
        yield List.copyOf(views);
      }
    };
  }

  /** Network passes per face. */
  public int passes() {
    return views().size();
  }

  /** The configuration spelling: {@code none}, {@code flip}, {@code ten-crop}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Parses {@code none}, {@code flip}, {@code ten-crop} (or {@code ten_crop}, {@code tencrop}). */
  public static TestTimeAugmentation parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    for (TestTimeAugmentation a : values()) {
      if (a.configName().equals(t) || a.configName().replace("-", "").equals(t)) {
        return a;
      }
    }
    throw new IllegalArgumentException("test-time augmentation must be none, flip or ten-crop, not '" + text + "'");
  }

  /**
   * {@code view} of a network input: channel planes of {@code size x size} values, sampled
   * bilinearly with replicated borders (the same sampling as training's augmentation).
   */
  public static float[] render(float[] chw, int channels, int size, View view) {
    float[] out = new float[chw.length];
    double inv = 1 / view.zoom();
    for (int c = 0; c < channels; c++) {
      int base = c * size * size;
      for (int oy = 0; oy < size; oy++) {
        double sy = size / 2.0 + (oy + 0.5 - size / 2.0) * inv - view.shiftY() * size - 0.5;
        for (int ox = 0; ox < size; ox++) {
          int fx = view.flip() ? size - 1 - ox : ox;
          double sx = size / 2.0 + (fx + 0.5 - size / 2.0) * inv - view.shiftX() * size - 0.5;
          out[base + oy * size + ox] = bilinear(chw, base, size, sx, sy);
        }
      }
    }
    return out;
  }

  private static float bilinear(float[] plane, int base, int size, double x, double y) {
    x = Math.max(0, Math.min(size - 1, x));
    y = Math.max(0, Math.min(size - 1, y));
    int x0 = (int) x;
    int y0 = (int) y;
    int x1 = Math.min(x0 + 1, size - 1);
    int y1 = Math.min(y0 + 1, size - 1);
    double ax = x - x0;
    double ay = y - y0;
    double top = plane[base + y0 * size + x0] * (1 - ax) + plane[base + y0 * size + x1] * ax;
    double bottom = plane[base + y1 * size + x0] * (1 - ax) + plane[base + y1 * size + x1] * ax;
    return (float) (top * (1 - ay) + bottom * ay);
  }
}
