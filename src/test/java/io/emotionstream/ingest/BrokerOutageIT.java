package io.emotionstream.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.ingest.testcamera.MjpegTestCamera;
import io.emotionstream.kafka.EmbeddedKafka;
import io.emotionstream.ops.ServiceHealth;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker stopped for 30 s under a running {@code ingest}: the cameras stay connected and are
 * read all along, each camera's send buffer stays bounded (the oldest waiting frame gives way,
 * counted as dropped), readiness says Kafka is not acknowledging, and once the broker is back the
 * newest frames flow again, without a restart.
 */
class BrokerOutageIT {

  @Test
  void camerasKeepStreamingThroughThirtySecondsWithoutABroker(@TempDir Path dir) throws Exception {
    try (EmbeddedKafka broker = EmbeddedKafka.builder().directory(dir.resolve("kafka")).start();
        MjpegTestCamera a = MjpegTestCamera.start(MjpegTestCamera.Options.of(320, 240, 10));
        MjpegTestCamera b = MjpegTestCamera.start(MjpegTestCamera.Options.of(320, 240, 25));
        IngestRun run = IngestRun.start(IngestRun.settings(broker.bootstrapServers(),
            Map.of("topic.frames", "outage", "health.broker-timeout-ms", "10000")), dir, """
            cameras:
              - {id: door, url: "%s", fps: 2}
              - {id: till, url: "%s", fps: 5}
            """.formatted(a.mjpegUrl(), b.mjpegUrl()));
        FrameTap tap = new FrameTap(run.settings)) {
      for (String id : List.of("door", "till")) {
        assertTrue(tap.await(id, l -> l.size() >= 4, Duration.ofSeconds(60)), id + ": " + run.status(id));
      }
      assertTrue(run.service.health().ready(), run.service.health().detail());
      long readBefore = run.status("till").framesRead();
      broker.stop();
      long stopped = System.currentTimeMillis();
      int maxPending = 0;
      boolean notReadySeen = false;
      while (System.currentTimeMillis() - stopped < 30_000) {
        Thread.sleep(500);
        for (String id : List.of("door", "till")) {
          CameraStatus s = run.status(id);
          assertEquals(CameraState.STREAMING, s.state(), "the camera stays connected while Kafka is away: " + s);
          maxPending = Math.max(maxPending, s.pendingFrames());
        }
        ServiceHealth h = run.service.health();
        assertTrue(h.live(), h.detail());
        notReadySeen |= !h.ready() && h.detail().contains("Kafka has not acknowledged");
      }
      CameraStatus during = run.status("till");
      System.out.printf("[ingest] 30 s without a broker: till read %d frames, dropped %s, at most %d frames pending per camera;"
          + " readiness: %s%n", during.framesRead() - readBefore, during.framesDropped(), maxPending,
          run.service.health().detail());
      assertTrue(during.framesRead() - readBefore > 25 * 25, "read all along: " + during);
      // a frame either waits in the bounded buffer and gives way to a newer one (send-buffer-full), or,
      // when the producer has lost the topic's metadata, waits up to max.block.ms and fails (send-failed);
      // the sender skips what arrives meanwhile: nothing queues up
      assertTrue(during.framesDropped().get("send-buffer-full") + during.framesDropped().get("send-failed") > 0,
          "frames that could not reach Kafka are counted: " + during);
      IngestDefaults defaults = IngestDefaults.from(run.settings);
      int bound = defaults.sendBufferFrames() + defaults.inFlightFrames();
      assertTrue(maxPending <= bound, "pending frames " + maxPending + " above the bound " + bound);
      assertTrue(notReadySeen, "readiness reported the outage");

      broker.restart(Duration.ofSeconds(60));
      long back = System.currentTimeMillis();
      for (String id : List.of("door", "till")) {
        assertTrue(tap.await(id, l -> l.stream().filter(r -> r.receivedAtMillis() > back
            && r.capture().toEpochMilli() > back).count() >= 3, Duration.ofSeconds(60)), id + ": " + run.status(id));
      }
      long firstFresh = tap.of("till").stream().filter(r -> r.capture().toEpochMilli() > back)
          .mapToLong(FrameTap.Received::receivedAtMillis).min().orElseThrow() - back;
      long fromOutage = tap.of("till").stream().filter(r -> r.capture().toEpochMilli() > stopped
          && r.capture().toEpochMilli() < back).count();
      System.out.printf("[ingest] broker back: the first frame captured after its return arrived %d ms later;"
          + " %d frames captured during the outage were delivered (the send buffer's)%n", firstFresh, fromOutage);
      assertTrue(fromOutage <= bound, "only the buffered frames of the outage arrive: " + fromOutage);
      ServiceHealth h = run.service.health();
      long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      while (!h.ready() && System.nanoTime() < deadline) {
        Thread.sleep(200);
        h = run.service.health();
      }
      assertTrue(h.ready(), h.detail());
      assertFalse(run.status("door").reconnects() > 0, "the cameras were never reconnected: " + run.status("door"));
    }
  }
}
