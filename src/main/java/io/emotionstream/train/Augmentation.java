package io.emotionstream.train;

import java.util.SplittableRandom;

/**
 * Random training-time changes of a face: shift (a random crop of a replicate-padded image),
 * horizontal flip, small rotation and scale, brightness and contrast. All zero means none.
 *
 * @param shift largest shift as a fraction of the image side (0.1 = up to 4.8 px at 48)
 * @param flip whether to mirror half of the samples
 * @param rotationDegrees largest rotation either way
 * @param scale largest zoom change either way (0.1 = 90% to 110%)
 * @param brightness largest brightness change as a fraction of the 0-255 range
 * @param contrast largest contrast change either way (0.2 = 80% to 120%, around the image mean)
 */
public record Augmentation(double shift, boolean flip, double rotationDegrees, double scale,
    double brightness, double contrast) {

  /** No augmentation (validation, evaluation). */
  public static final Augmentation NONE = new Augmentation(0, false, 0, 0, 0, 0);

  /** Usual settings for FER2013-style faces. */
  public static final Augmentation DEFAULT = new Augmentation(0.1, true, 10, 0.1, 0.2, 0.2);

  public Augmentation {
    if (shift < 0 || shift > 0.5 || rotationDegrees < 0 || rotationDegrees > 45 || scale < 0 || scale > 0.5
        || brightness < 0 || brightness > 1 || contrast < 0 || contrast > 1) {
      throw new IllegalArgumentException("augmentation out of range (shift<=0.5, rotation<=45, scale<=0.5, "
          + "brightness<=1, contrast<=1): " + this);
    }
  }

  public boolean isNone() {
    return shift == 0 && !flip && rotationDegrees == 0 && scale == 0 && brightness == 0 && contrast == 0;
  }

  /** One sample's draw of the random choices. */
  Draw draw(SplittableRandom random) {
    return new Draw(
        symmetric(random, shift), symmetric(random, shift),
        flip && random.nextBoolean(),
        Math.toRadians(symmetric(random, rotationDegrees)),
        1 + symmetric(random, scale),
        symmetric(random, brightness) * 255,
        1 + symmetric(random, contrast));
  }

  private static double symmetric(SplittableRandom random, double max) {
    return max == 0 ? 0 : (random.nextDouble() * 2 - 1) * max;
  }

  /** The random choices for one sample; {@link #IDENTITY} changes nothing. */
  record Draw(double shiftX, double shiftY, boolean flip, double rotation, double zoom, double brightness,
      double contrast) {
    static final Draw IDENTITY = new Draw(0, 0, false, 0, 1, 0, 1);
  }
}
