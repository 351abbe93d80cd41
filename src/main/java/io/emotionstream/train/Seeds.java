package io.emotionstream.train;

import java.util.SplittableRandom;

/**
 * Derives independent random streams from the run's seed. Each use (split, epoch shuffle, one
 * sample's augmentation in one epoch) gets its own generator from a hash of the seed and its
 * coordinates, so no generator position has to be saved to resume, and the batches do not depend
 * on the order in which samples are prepared.
 */
final class Seeds {

  static final long SPLIT = 0x5157L;
  static final long SHUFFLE = 0x5348L;
  static final long AUGMENT = 0x4155L;

  private Seeds() {}

  /** SplitMix64 finaliser over the combined values. */
  static long mix(long... values) {
    long h = 0x9E3779B97F4A7C15L;
    for (long v : values) {
      h ^= v;
      h *= 0xBF58476D1CE4E5B9L;
      h ^= h >>> 31;
      h *= 0x94D049BB133111EBL;
      h ^= h >>> 29;
    }
    return h;
  }

  /** Fisher-Yates shuffle in place. */
  static void shuffle(int[] a, SplittableRandom random) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
