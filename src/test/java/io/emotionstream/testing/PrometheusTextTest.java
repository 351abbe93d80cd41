package io.emotionstream.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The test helper reads what the registry we serve writes, and refuses what is not the format. */
class PrometheusTextTest {

  @Test
  void readsWhatTheServedRegistryWrites() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Counter.builder("emotionstream.frames.refused").tag("camera", "door").tag("reason", "not-opted-in")
        .register(registry).increment(3);
    Counter.builder("emotionstream.frames.refused").tag("camera", "till \"2\"").tag("reason", "not-listed")
        .register(registry).increment();
    Timer.builder("emotionstream.stage.duration").tag("stage", "detect").register(registry)
        .record(Duration.ofMillis(40));

    PrometheusText text = PrometheusText.parse(registry.scrape());

    assertEquals(3.0, text.value("emotionstream_frames_refused_total", s -> s.has("camera", "door")));
    assertEquals(1.0, text.value("emotionstream_frames_refused_total", s -> s.has("camera", "till \"2\"")),
        "an escaped quote in a label value is read back unescaped");
    assertEquals(4.0, text.sum("emotionstream_frames_refused_total", s -> true));
    assertEquals(Set.of("camera", "reason"),
        text.series("emotionstream_frames_refused_total", s -> true).get(0).labels().keySet());
    assertEquals(1.0, text.value("emotionstream_stage_duration_seconds_count"));
    assertEquals(0.04, text.value("emotionstream_stage_duration_seconds_sum"), 1e-9);
    assertTrue(text.names().containsAll(Set.of("emotionstream_frames_refused_total",
        "emotionstream_stage_duration_seconds_count", "emotionstream_stage_duration_seconds_max")), text.names().toString());
  }

  @Test
  void readsLinesWithoutLabelsSpecialValuesAndTimestamps() {
    PrometheusText text = PrometheusText.parse("""
        # HELP up whether the target answers
        # TYPE up gauge
        up 1

        latency_bucket{le="+Inf"} +Inf 1700000000000
        ratio{a="x\\\\y",b="line\\nbreak"} NaN
        """);
    assertEquals(1.0, text.value("up"));
    assertTrue(text.series("up", s -> true).get(0).labels().isEmpty());
    assertEquals(Double.POSITIVE_INFINITY, text.value("latency_bucket", s -> s.has("le", "+Inf")));
    PrometheusText.Series ratio = text.series("ratio", s -> true).get(0);
    assertTrue(Double.isNaN(ratio.value()));
    assertEquals(Map.of("a", "x\\y", "b", "line\nbreak"), ratio.labels());
    assertEquals(3, text.series().size());
  }

  @Test
  void aMissingSeriesFailsNamingWhatWasThere() {
    PrometheusText text = PrometheusText.parse("refused_total{camera=\"door\"} 2\n");
    AssertionError e = assertThrows(AssertionError.class, () -> text.value("refused_total", s -> s.has("camera", "till")));
    assertTrue(e.getMessage().contains("refused_total") && e.getMessage().contains("door"), e.getMessage());
    assertEquals(0.0, text.sum("absent_total", s -> true));
  }

  @Test
  void malformedLinesAreRefusedWithTheLine() {
    for (String bad : new String[] {"no_value", "open{camera=\"door\" 1", "quote{camera=\"door} 1",
        "word{camera=\"door\"} many", "bare{camera} 1"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PrometheusText.parse(bad), bad);
      assertTrue(e.getMessage().contains(bad), e.getMessage());
    }
  }
}
