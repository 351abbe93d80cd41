package io.emotionstream.ingest;

import java.util.function.LongSupplier;

/** A per-second rate over the last few seconds, in one-second buckets. */
final class SlidingRate {

  private final long[] buckets;
  private final long[] bucketSecond;
  private final LongSupplier clockMillis;

  SlidingRate(int seconds, LongSupplier clockMillis) {
    this.buckets = new long[seconds];
    this.bucketSecond = new long[seconds];
    this.clockMillis = clockMillis;
  }

  synchronized void add(long amount) {
    long second = clockMillis.getAsLong() / 1000;
    int i = (int) (second % buckets.length);
    if (bucketSecond[i] != second) {
      bucketSecond[i] = second;
      buckets[i] = 0;
    }
    buckets[i] += amount;
  }

  /** The sum over the last full seconds (the current one excluded) divided by their number. */
  synchronized double perSecond() {
    long now = clockMillis.getAsLong() / 1000;
    long sum = 0;
    int window = buckets.length - 1;
    for (int i = 0; i < buckets.length; i++) {
      long age = now - bucketSecond[i];
      if (age >= 1 && age <= window) {
        sum += buckets[i];
      }
    }
    return (double) sum / window;
  }
}
