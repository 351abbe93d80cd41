package io.emotionstream.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Meter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Per-camera series stay bounded however many camera ids producers invent. */
class CameraMetersTest {

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final CameraMeters meters = new CameraMeters(registry, new CameraMeters.Limits(3, Duration.ofMinutes(15)),
      now::get);

  private long series(String name) {
    return registry.getMeters().stream().map(Meter::getId).filter(id -> id.getName().equals(name)).count();
  }

  @Test
  void camerasBeyondTheLimitAreCountedAsOther() {
    for (int i = 0; i < 20_000; i++) {
      meters.counter("emotionstream.frames.shed", "d", "cam-" + i, "reason", "too-old").increment();
    }
    assertEquals(4, series("emotionstream.frames.shed"), "three cameras and other");
    assertEquals(19_997.0, registry.get("emotionstream.frames.shed").tag("camera", "other").counter().count());
    assertEquals(1.0, registry.get("emotionstream.frames.shed").tag("camera", "cam-0").counter().count());
    assertEquals(3, meters.cameras());
  }

  @Test
  void anIdleCameraLosesItsSeriesAndItsPlace() {
    meters.counter("emotionstream.clock.skew", "d", "cam-a").increment();
    meters.counter("emotionstream.frames.shed", "d", "cam-a", "reason", "too-old").increment();
    meters.counter("emotionstream.frames.shed", "d", "cam-b", "reason", "too-old").increment();
    meters.counter("emotionstream.frames.shed", "d", "cam-c", "reason", "too-old").increment();
    now.addAndGet(Duration.ofMinutes(10).toMillis());
    meters.counter("emotionstream.frames.shed", "d", "cam-b", "reason", "too-old").increment();
    now.addAndGet(Duration.ofMinutes(10).toMillis());
    // cam-a and cam-c have been idle for 20 minutes, cam-b for 10: the new camera takes a freed place
    meters.counter("emotionstream.frames.shed", "d", "cam-d", "reason", "too-old").increment();
    String scrape = registry.scrape();
    assertTrue(!scrape.contains("camera=\"cam-a\"") && !scrape.contains("camera=\"cam-c\""), scrape);
    assertTrue(scrape.contains("camera=\"cam-b\"") && scrape.contains("camera=\"cam-d\""), scrape);
    assertTrue(!scrape.contains("camera=\"other\""), "a place was free for cam-d");
    assertEquals(2, meters.cameras());
  }

  @Test
  void unlistedIdsNeverTakeAPlace() {
    for (int i = 0; i < 1_000; i++) {
      meters.unlisted("emotionstream.frames.refused", "d", "reason", "not-listed").increment();
    }
    assertEquals(0, meters.cameras());
    assertEquals(1_000.0, registry.get("emotionstream.frames.refused").tag("camera", "unlisted").counter().count());
  }

  @Test
  void framesStatsBoundTheSeriesOfEveryPerCameraCounter() {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    FrameStats stats = new FrameStats(prometheus, new CameraMeters.Limits(10, Duration.ofMinutes(15)));
    for (int i = 0; i < 5_000; i++) {
      String camera = "burst-" + i;
      stats.recordShed(camera, FrameShedder.TOO_OLD);
      stats.recordClockSkew(camera);
      stats.recordLateForWindow(camera);
      stats.recordRefused(camera, io.emotionstream.policy.Refusal.NOT_LISTED);
      stats.recordRefused(camera, io.emotionstream.policy.Refusal.NOT_OPTED_IN);
    }
    long cameraSeries = prometheus.getMeters().stream()
        .filter(m -> m.getId().getTag("camera") != null).count();
    // 10 cameras x 4 counters, other x 4, unlisted x 1
    assertEquals(45, cameraSeries);
    assertEquals(5_000, stats.framesShed());
    assertEquals(10_000, stats.framesRefused());
    assertTrue(prometheus.scrape().length() < 50_000, "scrape is " + prometheus.scrape().length() + " bytes");
  }
}
