package io.emotionstream.train;

/**
 * Turns grey faces into network input: one affine warp (resize to the input size, plus the
 * augmentation's shift, flip, rotation and zoom) with bilinear sampling and replicated borders,
 * then brightness/contrast, then the normalisation. Writes one {@code size x size} plane per
 * channel and sample into a batch buffer: one channel for the grey models trained here, three
 * (the grey value replicated, each normalised with its own mean and std) to evaluate RGB models.
 *
 * <p>Written here rather than with OpenCV so that training needs no native image library per
 * sample and every augmented pixel is a pure function of the seed. Without augmentation the
 * sampling grid is OpenCV's {@code INTER_LINEAR} resize grid, so at equal sizes the face passes
 * through unchanged.
 */
public final class InputEncoder {

  private final int size;
  private final double[] mean;
  private final double[] std;

  /** One grey channel. */
  public InputEncoder(int size, Normalisation normalisation) {
    this(size, new double[] {normalisation.mean()}, new double[] {normalisation.std()});
  }

  /** One channel per mean/std pair, all from the grey value. */
  public InputEncoder(int size, double[] mean, double[] std) {
    if (size < 32) {
      throw new IllegalArgumentException("input size must be at least 32 px: " + size);
    }
    if (mean.length != std.length || mean.length < 1) {
      throw new IllegalArgumentException("one std per mean needed: " + mean.length + " vs " + std.length);
    }
    this.size = size;
    this.mean = mean.clone();
    this.std = std.clone();
  }

  /** Channels per sample. */
  public int channels() {
    return mean.length;
  }

  public int size() {
    return size;
  }

  /** Floats per sample. */
  public int sampleLength() {
    return mean.length * size * size;
  }

  /** Writes the encoded image at {@code offset} of {@code out}. */
  void encode(GreyImage image, Augmentation.Draw draw, float[] out, int offset) {
    int w = image.width();
    int h = image.height();
    // output pixel centre -> source coordinates (inverse of flip, zoom, rotation, shift)
    double kx = (double) w / size;
    double ky = (double) h / size;
    double cos = Math.cos(draw.rotation()) / draw.zoom();
    double sin = Math.sin(draw.rotation()) / draw.zoom();
    double shiftX = draw.shiftX() * w;
    double shiftY = draw.shiftY() * h;
    float[] plane = new float[size * size];
    double sum = 0;
    for (int oy = 0; oy < size; oy++) {
      double dy = (oy + 0.5 - size / 2.0) * ky;
      for (int ox = 0; ox < size; ox++) {
        int fx = draw.flip() ? size - 1 - ox : ox;
        double dx = (fx + 0.5 - size / 2.0) * kx;
        double sx = w / 2.0 + cos * dx + sin * dy - shiftX - 0.5;
        double sy = h / 2.0 - sin * dx + cos * dy - shiftY - 0.5;
        float v = bilinear(image, sx, sy);
        plane[oy * size + ox] = v;
        sum += v;
      }
    }
    double imageMean = sum / plane.length;
    double contrast = draw.contrast();
    double brightness = draw.brightness();
    for (int p = 0; p < plane.length; p++) {
      double v = plane[p];
      if (contrast != 1 || brightness != 0) {
        v = Math.max(0, Math.min(255, (v - imageMean) * contrast + imageMean + brightness));
      }
      for (int c = 0; c < mean.length; c++) {
        out[offset + c * plane.length + p] = (float) ((v - mean[c]) / std[c]);
      }
    }
    Augmentation.Erased e = draw.erased();
    if (e != null) {
      int x0 = (int) Math.round(e.x() * size);
      int y0 = (int) Math.round(e.y() * size);
      int x1 = Math.min(size, x0 + Math.max(1, (int) Math.round(e.width() * size)));
      int y1 = Math.min(size, y0 + Math.max(1, (int) Math.round(e.height() * size)));
      for (int c = 0; c < mean.length; c++) {
        for (int y = y0; y < y1; y++) {
          java.util.Arrays.fill(out, offset + c * plane.length + y * size + x0, offset + c * plane.length + y * size + x1,
              0f); // the mean grey, normalised
        }
      }
    }
  }

  private static float bilinear(GreyImage image, double x, double y) {
    int w = image.width();
    int h = image.height();
    x = Math.max(0, Math.min(w - 1, x));
    y = Math.max(0, Math.min(h - 1, y));
    int x0 = (int) x;
    int y0 = (int) y;
    int x1 = Math.min(x0 + 1, w - 1);
    int y1 = Math.min(y0 + 1, h - 1);
    double ax = x - x0;
    double ay = y - y0;
    double top = image.at(x0, y0) * (1 - ax) + image.at(x1, y0) * ax;
    double bottom = image.at(x0, y1) * (1 - ax) + image.at(x1, y1) * ax;
    return (float) (top * (1 - ay) + bottom * ay);
  }
}
