package io.emotionstream.stream;

import io.emotionstream.schema.CameraFrame;
import java.time.Clock;
import java.time.Duration;

/**
 * Load shedding, decided before a frame is decoded: a frame older than {@code frame.max-age-ms}
 * when the processor reaches it is not analysed. An overloaded instance then drops the oldest
 * frames (a shed frame costs only its deserialization, well under a millisecond) instead of
 * falling further behind: the events it emits stay at most max-age plus one frame's processing
 * time behind the cameras, and once the overload stops it is back to normal latency within
 * max-age. While the instance keeps up, frames are far younger than max-age and none is shed.
 *
 * <p>Each frame is judged by its own age, so cameras are judged independently: a flooded
 * camera's backlog is shed at deserialization speed and does not age the frames of the others
 * (see README, Operations / Real time).
 */
public final class FrameShedder {

  /** Kafka Streams configuration key carrying {@code frame.max-age-ms} to the topology. */
  public static final String MAX_AGE_CONFIG = "emotionstream.frame.max-age.ms";

  /** Reason code of a frame older than max-age. */
  public static final String TOO_OLD = "too-old";

  /**
   * How far a capture time may lie in the future, or before the time Kafka recorded for the
   * frame, before it is taken for a wrong camera clock and the record timestamp used instead:
   * without this, a camera whose clock is behind would have every frame shed.
   */
  static final Duration CLOCK_TOLERANCE = Duration.ofMinutes(1);

  private final long maxAgeMillis;
  private final Clock clock;

  /** @param maxAge frames older than this are shed; zero or negative: never shed */
  public FrameShedder(Duration maxAge, Clock clock) {
    this.maxAgeMillis = maxAge.toMillis();
    this.clock = clock;
  }

  /** From the Kafka Streams configuration ({@link #MAX_AGE_CONFIG}; absent: never shed). */
  static FrameShedder from(java.util.Properties streamsConfig, Clock clock) {
    Object value = streamsConfig.get(MAX_AGE_CONFIG);
    return new FrameShedder(Duration.ofMillis(value == null ? 0 : Long.parseLong(value.toString())), clock);
  }

  /** @return why the frame is shed, or null when it is to be analysed */
  String shedReason(CameraFrame frame, long recordTimestamp) {
    if (maxAgeMillis <= 0) {
      return null;
    }
    return ageMillis(frame, recordTimestamp, clock.millis()) > maxAgeMillis ? TOO_OLD : null;
  }

  /**
   * Now minus the frame's capture time; minus the record timestamp when the capture time is
   * implausible (more than {@link #CLOCK_TOLERANCE} in the future or before the record timestamp).
   */
  static long ageMillis(CameraFrame frame, long recordTimestamp, long now) {
    long tolerance = CLOCK_TOLERANCE.toMillis();
    long capture = frame.getCaptureTime() == null ? Long.MIN_VALUE : frame.getCaptureTime().toEpochMilli();
    boolean plausible = capture != Long.MIN_VALUE && capture <= now + tolerance
        && (recordTimestamp < 0 || capture >= recordTimestamp - tolerance);
    long reference = plausible ? capture : recordTimestamp < 0 ? now : recordTimestamp;
    return now - reference;
  }

  public Duration maxAge() {
    return Duration.ofMillis(Math.max(0, maxAgeMillis));
  }
}
