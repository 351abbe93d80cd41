package io.emotionstream.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.config.Settings;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one clock rule, on the cases that broke the separate rules of shedding, latency and the tracker. */
class FrameTimingTest {

  private static final long NOW = 1_800_000_000_000L;
  private final FrameTiming timing = new FrameTiming(Duration.ofMinutes(5));

  @Test
  void anHonestCaptureTimeIsTheFramesTime() {
    FrameTiming.FrameTime t = timing.frameTime(Instant.ofEpochMilli(NOW - 300), NOW - 290, NOW);
    assertEquals(NOW - 300, t.millis());
    assertEquals(FrameTiming.Source.CAPTURE, t.source());
    assertEquals(300, FrameTiming.latencyMillis(t.millis(), NOW));
  }

  @Test
  void aFrameStampedFourMinutesBeforeItsRecordIsFourMinutesOldForEveryRule() {
    // within the tolerance: believed, so it is as old for shedding as for latency (it used to be
    // judged by its record timestamp for shedding, analysed, and then showed a latency of 243 s)
    FrameTiming.FrameTime t = timing.frameTime(Instant.ofEpochMilli(NOW - 240_000), NOW - 100, NOW);
    assertEquals(FrameTiming.Source.CAPTURE, t.source());
    assertEquals(240_000, FrameTiming.ageMillis(t.millis(), NOW));
  }

  @Test
  void aFrameStampedAheadOfNowCountsAsNowSoLatencyIsNeverNegativeAndNoClockRunsAhead() {
    // two minutes ahead, within the tolerance: it gave latencyMs = -116885 and froze the track clock
    FrameTiming.FrameTime t = timing.frameTime(Instant.ofEpochMilli(NOW + 120_000), NOW + 120_000, NOW);
    assertEquals(NOW, t.millis());
    assertEquals(FrameTiming.Source.CAPTURE, t.source());
    assertEquals(0, FrameTiming.latencyMillis(t.millis(), NOW));
    assertEquals(0, FrameTiming.latencyMillis(NOW + 5, NOW), "latency of a time ahead of now is 0");
  }

  @Test
  void aCaptureTimeOutsideTheToleranceIsReplacedByTheRecordTimestamp() {
    FrameTiming.FrameTime past = timing.frameTime(Instant.EPOCH, NOW - 50, NOW);
    assertEquals(NOW - 50, past.millis());
    assertEquals(FrameTiming.Source.RECORD, past.source());
    assertTrue(past.skewed());
    FrameTiming.FrameTime future = timing.frameTime(Instant.parse("2999-01-01T00:00:00Z"), NOW - 50, NOW);
    assertEquals(NOW - 50, future.millis());
    // a capture time that agrees with its record timestamp but lies far ahead of now is not believed either
    FrameTiming.FrameTime bothAhead = timing.frameTime(Instant.ofEpochMilli(NOW + 600_000), NOW + 600_000, NOW);
    assertEquals(NOW, bothAhead.millis());
    assertEquals(FrameTiming.Source.ARRIVAL, bothAhead.source());
  }

  @Test
  void withoutARecordTimestampOrCaptureTimeTheOtherOrNowIsUsed() {
    assertEquals(NOW - 10, timing.frameTime(Instant.ofEpochMilli(NOW - 10), -1, NOW).millis());
    assertEquals(FrameTiming.Source.RECORD, timing.frameTime(null, NOW - 20, NOW).source());
    assertEquals(FrameTiming.Source.ARRIVAL, timing.frameTime(null, -1, NOW).source());
  }

  @Test
  void extremeTimesDoNotOverflow() {
    FrameTiming wide = new FrameTiming(Duration.ofMillis(Long.MAX_VALUE));
    assertEquals(NOW, wide.frameTime(Instant.ofEpochMilli(Long.MAX_VALUE), 0, NOW).millis());
    assertEquals(FrameTiming.Source.RECORD, timing.frameTime(Instant.ofEpochMilli(Long.MIN_VALUE), 5, NOW).source());
    assertEquals(Long.MAX_VALUE, FrameTiming.ageMillis(Long.MIN_VALUE, NOW));
  }

  @Test
  void theToleranceIsOneSetting() {
    Settings settings = Settings.defaults().with(Map.of("frame.max-clock-skew-ms", "2000"), "test");
    assertEquals(Duration.ofSeconds(2), FrameTiming.from(settings).tolerance());
    assertEquals(Duration.ofMinutes(5), FrameTiming.from(Settings.defaults()).tolerance());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FrameTiming.from(Settings.defaults().with(Map.of("frame.max-clock-skew-ms", "-1"), "test")));
    assertTrue(e.getMessage().contains("frame.max-clock-skew-ms") && e.getMessage().contains("test"), e.getMessage());
  }
}
