package io.emotionstream.stats;

import java.util.Arrays;
import java.util.Collection;

/**
 * The median of a set of figures: the middle value, or the mean of the two middle values of an even
 * count. Every figure the project reports over rounds or samples is a median (rounds on shared
 * machines are noisy, and one slow round moves a mean but not a median).
 */
public final class Median {

  private Median() {}

  /** The median of {@code values} (not changed), or NaN when there are none. */
  public static double of(double... values) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int m = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
  }

  /** The median of {@code values}, or NaN when there are none. */
  public static double of(Collection<? extends Number> values) {
    return of(values.stream().mapToDouble(Number::doubleValue).toArray());
  }
}
