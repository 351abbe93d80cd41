package io.emotionstream.emotion;

import io.emotionstream.schema.ModelRelease;

/**
 * The release a {@link HotReloader} still has to apply, and when to try it next: a failed attempt
 * (a store that is not mounted yet, a half-copied artifact) is retried after an exponentially
 * growing delay, capped, for a bounded number of attempts; a newer release replaces it at once.
 */
final class PendingRelease {

  private final long initialDelayMs;
  private final long maxDelayMs;
  private final int maxAttempts;
  private ModelRelease release;
  private int attempts;
  private long dueAtMs;

  /** @param maxAttempts attempts per release, 0 = unbounded */
  PendingRelease(long initialDelayMs, long maxDelayMs, int maxAttempts) {
    if (initialDelayMs <= 0 || maxDelayMs < initialDelayMs || maxAttempts < 0) {
      throw new IllegalArgumentException("model reload retries need 0 < retry-initial-ms <= retry-max-ms and "
          + "max-attempts >= 0: " + initialDelayMs + ", " + maxDelayMs + ", " + maxAttempts);
    }
    this.initialDelayMs = initialDelayMs;
    this.maxDelayMs = maxDelayMs;
    this.maxAttempts = maxAttempts;
  }

  /** A new release: due now, and whatever was pending is forgotten. */
  void offer(ModelRelease next, long nowMs) {
    release = next;
    attempts = 0;
    dueAtMs = nowMs;
  }

  /** The release to try now, or null. */
  ModelRelease due(long nowMs) {
    return release != null && nowMs >= dueAtMs ? release : null;
  }

  /** Nothing left to do for the current release (applied, refused, or superseded by the version in service). */
  void clear() {
    release = null;
  }

  /**
   * Records a failed attempt.
   *
   * @return milliseconds until the next attempt, or -1 when the attempts are used up (then cleared)
   */
  long failed(long nowMs) {
    attempts++;
    if (maxAttempts > 0 && attempts >= maxAttempts) {
      release = null;
      return -1;
    }
    long delay = Math.min(maxDelayMs, initialDelayMs << Math.min(attempts - 1, 30));
    dueAtMs = nowMs + delay;
    return delay;
  }

  int attempts() {
    return attempts;
  }
}
