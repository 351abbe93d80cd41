package io.emotionstream.ingest;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Waits between reconnection attempts: doubling from {@code initial} up to {@code max}, with
 * "equal jitter" (half the wait fixed, the other half random) so that cameras that failed
 * together (a switch, a power cut) do not all come back at the same instant, while no wait ever
 * exceeds the cap: a camera that comes back is reconnected within {@code max}.
 */
final class Backoff {

  private final Duration initial;
  private final Duration max;
  private final DoubleSupplier random;
  private int failures;

  /** @param random values in [0, 1) */
  Backoff(Duration initial, Duration max, DoubleSupplier random) {
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("backoff needs 0 < initial <= max: " + initial + ", " + max);
    }
    this.initial = initial;
    this.max = max;
    this.random = random;
  }

  /** The wait before the next attempt; each call counts one more failure. */
  Duration next() {
    long base = initial.toMillis();
    for (int i = 0; i < failures && base < max.toMillis(); i++) {
      base *= 2;
    }
    base = Math.min(base, max.toMillis());
    failures++;
    long half = base / 2;
    return Duration.ofMillis(base - half + (long) (random.getAsDouble() * (half + 1)));
  }

  /** After a success: the next failure waits {@code initial} again. */
  void reset() {
    failures = 0;
  }

  int failures() {
    return failures;
  }
}
