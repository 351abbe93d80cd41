package io.emotionstream.analysis;

import io.emotionstream.config.Settings;
import java.time.Duration;
import java.time.Instant;

/**
 * The one clock rule of the processor: which time a frame is taken to have, used alike by load
 * shedding (its age), latency (capture to event), the window counts (its window) and the tracker
 * (its camera's track clock).
 *
 * <ol>
 *   <li>The capture time, when it is believable: within the tolerance of the time Kafka recorded for
 *       the record (the producer's send time, or the broker's append time) and not later than now
 *       plus the tolerance.</li>
 *   <li>Otherwise the record's timestamp, when that is not later than now plus the tolerance;
 *       otherwise the time the processor reached the frame.</li>
 *   <li>Never later than now: a believed time ahead of the processor's clock (a camera clock a little
 *       fast) counts as now.</li>
 * </ol>
 *
 * <p>So a frame outside the tolerance never moves a camera's clocks (its windows, its tracks) but to
 * a plausible time, no frame moves them ahead of the processor's clock, and latency is never
 * negative. Frames sent late with their true capture time (a delayed uplink, a backlog) keep it
 * within the tolerance: they are shed as too old, or analysed into their own windows when shedding
 * is off.
 *
 * <p>Before this rule, shedding believed capture times within a minute and latency within five
 * minutes: a frame stamped 4 minutes before its record was analysed (not shed) with a latency of
 * 243 s, one stamped 2 minutes ahead gave {@code latencyMs = -116885}, and the tracker, which keeps
 * the latest time it saw, let one frame from the future freeze its camera's track clock.
 *
 * @param tolerance {@code frame.max-clock-skew-ms}: how far a capture time may lie from the record's
 *     timestamp, or ahead of the processor's clock, and still be believed
 */
public record FrameTiming(Duration tolerance) {

  /** Which clock a frame's time came from. */
  public enum Source {
    /** The frame's capture time, believed. */
    CAPTURE,
    /** The record's timestamp: the capture time was missing or not believable. */
    RECORD,
    /** The processor's clock when it reached the frame: neither time was believable. */
    ARRIVAL
  }

  /**
   * A frame's time and where it came from.
   *
   * @param millis epoch milliseconds
   */
  public record FrameTime(long millis, Source source) {

    public Instant instant() {
      return Instant.ofEpochMilli(millis);
    }

    /** Whether the capture time was not believed (counted per camera as clock skew). */
    public boolean skewed() {
      return source != Source.CAPTURE;
    }
  }

  public FrameTiming {
    if (tolerance == null || tolerance.isNegative()) {
      throw new IllegalArgumentException("frame.max-clock-skew-ms must not be negative: " + tolerance);
    }
  }

  /** From {@code frame.max-clock-skew-ms}. */
  public static FrameTiming from(Settings settings) {
    long millis = settings.longValue("frame.max-clock-skew-ms");
    if (millis < 0) {
      throw new IllegalArgumentException("setting 'frame.max-clock-skew-ms' = " + millis + " from "
          + settings.source("frame.max-clock-skew-ms") + " must not be negative");
    }
    return new FrameTiming(Duration.ofMillis(millis));
  }

  /**
   * The time of a frame.
   *
   * @param capture the frame's capture time, or null
   * @param recordTimestamp the record's timestamp, negative when it has none
   * @param nowMillis the processor's clock
   */
  public FrameTime frameTime(Instant capture, long recordTimestamp, long nowMillis) {
    long tol = tolerance.toMillis();
    long latest = saturatedAdd(nowMillis, tol);
    if (capture != null) {
      long c = capture.toEpochMilli();
      long apart = recordTimestamp < 0 ? 0 : saturatedSub(c, recordTimestamp);
      boolean agreesWithRecord = apart != Long.MIN_VALUE && Math.abs(apart) <= tol;
      if (c <= latest && agreesWithRecord) {
        return new FrameTime(Math.min(c, nowMillis), Source.CAPTURE);
      }
    }
    if (recordTimestamp >= 0 && recordTimestamp <= latest) {
      return new FrameTime(Math.min(recordTimestamp, nowMillis), Source.RECORD);
    }
    return new FrameTime(nowMillis, Source.ARRIVAL);
  }

  /** Capture (or frame) time to now, never negative. */
  public static long latencyMillis(long frameTimeMillis, long nowMillis) {
    return Math.max(0, saturatedSub(nowMillis, frameTimeMillis));
  }

  /** {@code now - frameTime}: how old the frame is when the processor reaches it (negative: ahead of now). */
  public static long ageMillis(long frameTimeMillis, long nowMillis) {
    return saturatedSub(nowMillis, frameTimeMillis);
  }

  private static long saturatedAdd(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : r;
  }

  private static long saturatedSub(long a, long b) {
    long r = a - b;
    return ((a ^ b) & (a ^ r)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : r;
  }
}
