package io.emotionstream.train;

import java.util.SplittableRandom;

/**
 * Random training-time changes of a face: shift (a random crop of a replicate-padded image),
 * horizontal flip, small rotation and scale, brightness and contrast, random erasing (Zhong et al.,
 * 2020: one rectangle of 2-25% of the face, aspect ratio 0.3-3.3, set to the mean grey, which the
 * normalisation turns into 0). All zero means none.
 *
 * @param shift largest shift as a fraction of the image side (0.1 = up to 4.8 px at 48)
 * @param flip whether to mirror half of the samples
 * @param rotationDegrees largest rotation either way
 * @param scale largest zoom change either way (0.1 = 90% to 110%)
 * @param brightness largest brightness change as a fraction of the 0-255 range
 * @param contrast largest contrast change either way (0.2 = 80% to 120%, around the image mean)
 * @param erase share of samples that get one erased rectangle
 */
public record Augmentation(double shift, boolean flip, double rotationDegrees, double scale,
    double brightness, double contrast, double erase) {

  /** No augmentation (validation, evaluation). */
  public static final Augmentation NONE = new Augmentation(0, false, 0, 0, 0, 0, 0);

  /** Usual settings for FER2013-style faces. */
  public static final Augmentation DEFAULT = new Augmentation(0.1, true, 10, 0.1, 0.2, 0.2, 0);

  /** Smallest and largest erased area, as a share of the face. */
  static final double ERASE_MIN_AREA = 0.02;
  static final double ERASE_MAX_AREA = 0.25;
  /** Largest aspect ratio of the erased rectangle either way (0.3 to 3.3). */
  static final double ERASE_MAX_ASPECT = 3.3;

  public Augmentation {
    if (shift < 0 || shift > 0.5 || rotationDegrees < 0 || rotationDegrees > 45 || scale < 0 || scale > 0.5
        || brightness < 0 || brightness > 1 || contrast < 0 || contrast > 1 || erase < 0 || erase > 1) {
      throw new IllegalArgumentException("augmentation out of range (shift<=0.5, rotation<=45, scale<=0.5, "
          + "brightness<=1, contrast<=1, erase<=1): " + this);
    }
  }

  public boolean isNone() {
    return shift == 0 && !flip && rotationDegrees == 0 && scale == 0 && brightness == 0 && contrast == 0
        && erase == 0;
  }

  /** One sample's draw of the random choices. */
  Draw draw(SplittableRandom random) {
    Draw d = new Draw(
        symmetric(random, shift), symmetric(random, shift),
        flip && random.nextBoolean(),
        Math.toRadians(symmetric(random, rotationDegrees)),
        1 + symmetric(random, scale),
        symmetric(random, brightness) * 255,
        1 + symmetric(random, contrast),
        null);
    // drawn last and only when asked for, so the other draws stay those of runs without erasing
    if (erase > 0 && random.nextDouble() < erase) {
      double area = ERASE_MIN_AREA + random.nextDouble() * (ERASE_MAX_AREA - ERASE_MIN_AREA);
      double aspect = Math.exp((random.nextDouble() * 2 - 1) * Math.log(ERASE_MAX_ASPECT));
      double w = Math.min(1, Math.sqrt(area * aspect));
      double h = Math.min(1, Math.sqrt(area / aspect));
      d = d.withErased(new Erased(random.nextDouble() * (1 - w), random.nextDouble() * (1 - h), w, h));
    }
    return d;
  }

  private static double symmetric(SplittableRandom random, double max) {
    return max == 0 ? 0 : (random.nextDouble() * 2 - 1) * max;
  }

  /**
   * The random choices for one sample; {@link #IDENTITY} changes nothing.
   *
   * @param erased the rectangle set to the mean grey, or null
   */
  record Draw(double shiftX, double shiftY, boolean flip, double rotation, double zoom, double brightness,
      double contrast, Erased erased) {
    static final Draw IDENTITY = new Draw(0, 0, false, 0, 1, 0, 1, null);

    Draw withErased(Erased e) {
      return new Draw(shiftX, shiftY, flip, rotation, zoom, brightness, contrast, e);
    }
  }

  /** An erased rectangle in fractions of the network input: left, top, width, height. */
  record Erased(double x, double y, double width, double height) {}
}
