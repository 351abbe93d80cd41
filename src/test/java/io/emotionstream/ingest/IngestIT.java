package io.emotionstream.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.emotionstream.frame.ImageHeader;
import io.emotionstream.ingest.testcamera.MjpegTestCamera;
import io.emotionstream.testing.KafkaPipelineExtension;
import io.emotionstream.schema.ImageEncoding;
import io.emotionstream.testing.PrometheusText;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ingest} against real protocol servers started by the test and a real broker: an HTTP
 * MJPEG camera (with and without part lengths), an HTTP snapshot camera and an RTSP camera
 * (GStreamer); a fast camera sampled at a low rate, a slow camera, and a camera list edited while
 * it runs.
 */
class IngestIT {

  @RegisterExtension
  static final KafkaPipelineExtension KAFKA = KafkaPipelineExtension.broker();

  @Test
  void everyKindOfCameraStreamsWithItsSiteZoneAndTags(@TempDir Path dir) throws Exception {
    assumeTrue(RtspTestCamera.available(), RtspTestCamera.MISSING);
    try (MjpegTestCamera mjpeg = MjpegTestCamera.start(MjpegTestCamera.Options.of(320, 240, 10));
        MjpegTestCamera chunky = MjpegTestCamera.start(MjpegTestCamera.Options.of(320, 240, 10).withContentLength(false));
        MjpegTestCamera snap = MjpegTestCamera.start(MjpegTestCamera.Options.of(320, 240, 10));
        RtspTestCamera rtsp = RtspTestCamera.start(320, 240, 10, null, null, dir.resolve("rtsp.log"));
        IngestRun run = IngestRun.start(IngestRun.settings(KAFKA.bootstrapServers(), Map.of("topic.frames", "kinds")), dir, """
            cameras:
              - id: mjpeg
                url: %s
                fps: 2
                site: store-12
                zone: entrance
                tags: {lens: wide}
              - id: mjpeg-no-length
                url: %s
                fps: 2
                site: store-12
              - id: snapshot
                url: %s
                fps: 2
                zone: till
              - id: rtsp
                url: %s
                fps: 2
                site: store-7
                zone: door
                purpose: footfall          # a policy key: accepted, left to the camera policy
            """.formatted(mjpeg.mjpegUrl(), chunky.mjpegUrl(), snap.snapshotUrl(), rtsp.url()));
        FrameTap tap = new FrameTap(run.settings)) {
      for (String id : List.of("mjpeg", "mjpeg-no-length", "snapshot", "rtsp")) {
        assertTrue(tap.await(id, l -> l.size() >= 6, Duration.ofSeconds(40)), id + ": " + run.status(id));
        CameraStatus s = run.status(id);
        assertEquals(CameraState.STREAMING, s.state(), s.toString());
        for (FrameTap.Received r : tap.of(id)) {
          byte[] image = new byte[r.bytes()];
          r.frame().getImage().duplicate().get(image);
          assertEquals(new ImageHeader(ImageEncoding.JPEG, 320, 240), ImageHeader.read(image), id);
          assertEquals(id, r.key());
          assertTrue(r.number() >= 0, id + ": the frame's drawn number is readable");
          assertTrue(!r.capture().isAfter(java.time.Instant.ofEpochMilli(r.recordTimestamp())),
              id + ": captured before it was sent");
        }
        List<Long> sequences = tap.of(id).stream().map(r -> r.frame().getSequence()).toList();
        for (int i = 1; i < sequences.size(); i++) {
          assertTrue(sequences.get(i) > sequences.get(i - 1), id + " sequences increase: " + sequences);
        }
      }
      FrameTap.Received m = tap.of("mjpeg").get(0);
      assertEquals("store-12", m.frame().getSiteId());
      assertEquals(Map.of("zone", "entrance", "lens", "wide"), m.frame().getTags());
      assertEquals(Map.of("zone", "door"), tap.of("rtsp").get(0).frame().getTags());
      assertEquals("store-7", tap.of("rtsp").get(0).frame().getSiteId());
      assertEquals(null, tap.of("snapshot").get(0).frame().getSiteId());
      // MJPEG and snapshot JPEGs travel as the camera made them; RTSP frames are encoded once
      assertEquals(0, run.status("mjpeg").framesReencoded());
      assertEquals(0, run.status("snapshot").framesReencoded());
      assertTrue(run.status("rtsp").framesReencoded() > 0);
      // a snapshot camera is asked only when a frame is wanted: nothing is read to be skipped
      assertEquals(0, run.status("snapshot").framesSkipped(), run.status("snapshot").toString());
      PrometheusText metrics = PrometheusText.parse(run.registry.scrape());
      assertFalse(metrics.series("emotionstream_ingest_frames_sent_total", s -> s.has("camera", "rtsp")).isEmpty(),
          "a frames-sent series for the camera rtsp");
      assertEquals(1.0, metrics.value("emotionstream_ingest_camera_state", s -> s.has("camera", "mjpeg")
          && s.has("state", "streaming")), "the camera mjpeg streaming");
    }
  }

  /**
   * A 25 fps camera sent at 2 fps: each frame sent must be the newest the camera had made, give or
   * take one frame interval, and its capture time the moment it was read.
   */
  @Test
  void aFastCameraSampledAtALowRateSendsItsNewestFrames(@TempDir Path dir) throws Exception {
    try (MjpegTestCamera camera = MjpegTestCamera.start(MjpegTestCamera.Options.of(320, 240, 25));
        IngestRun run = IngestRun.start(IngestRun.settings(KAFKA.bootstrapServers(), Map.of("topic.frames", "fast")), dir, """
            cameras:
              - id: fast
                url: %s
                fps: 2
            """.formatted(camera.mjpegUrl()));
        FrameTap tap = new FrameTap(run.settings)) {
      assertTrue(tap.await("fast", l -> l.size() >= 21, Duration.ofSeconds(40)), run.status("fast").toString());
      List<FrameTap.Received> frames = tap.of("fast").subList(1, 21); // the first may precede the sampling rhythm
      List<Long> behind = new ArrayList<>();
      List<Long> captureAfterMade = new ArrayList<>();
      for (FrameTap.Received r : frames) {
        long newest = camera.newestAt(r.recordTimestamp());
        behind.add(newest - r.number());
        captureAfterMade.add(r.capture().toEpochMilli() - camera.madeAtMillis(r.number()));
      }
      long spanMs = frames.get(frames.size() - 1).recordTimestamp() - frames.get(0).recordTimestamp();
      double rate = (frames.size() - 1) * 1000.0 / spanMs;
      System.out.printf("[ingest] 25 fps camera sent at 2 fps: %.2f frames/s; frames behind the camera's newest when sent: %s;"
          + " capture time minus the moment the camera made the frame (ms): %s%n", rate, behind, captureAfterMade);
      // one frame interval (40 ms) plus the time the frame takes to travel: the camera may have
      // made one more frame before the record was stamped
      assertTrue(behind.stream().allMatch(b -> b >= 0 && b <= 2), "frames behind the newest: " + behind);
      assertTrue(behind.stream().filter(b -> b <= 1).count() >= frames.size() - 1, "frames behind the newest: " + behind);
      assertTrue(captureAfterMade.stream().allMatch(ms -> ms >= 0 && ms < 500), "capture time after making: " + captureAfterMade);
      assertTrue(rate > 1.8 && rate < 2.2, "sent at " + rate + " frames/s");
      CameraStatus s = run.status("fast");
      assertTrue(s.framesSkipped() > 10 * s.framesSent(), "the rest are skipped, not queued: " + s);
      assertEquals(0, s.framesDroppedTotal(), s.toString());
    }
  }

  /**
   * Cameras slower than their target rate (MJPEG, and RTSP decoded by FFmpeg): every frame they
   * make is sent once, none twice, none missed, no errors.
   */
  @Test
  void aSlowCameraHasEachOfItsFramesSentOnce(@TempDir Path dir) throws Exception {
    assumeTrue(RtspTestCamera.available(), RtspTestCamera.MISSING);
    try (MjpegTestCamera camera = MjpegTestCamera.start(MjpegTestCamera.Options.of(320, 240, 1.5));
        RtspTestCamera rtsp = RtspTestCamera.start(320, 240, 2, null, null, dir.resolve("rtsp.log"));
        IngestRun run = IngestRun.start(IngestRun.settings(KAFKA.bootstrapServers(), Map.of("topic.frames", "slow")), dir, """
            cameras:
              - {id: slow, url: "%s", fps: 5}
              - {id: slow-rtsp, url: "%s", fps: 5}
            """.formatted(camera.mjpegUrl(), rtsp.url()));
        FrameTap tap = new FrameTap(run.settings)) {
      for (String id : List.of("slow", "slow-rtsp")) {
        assertTrue(tap.await(id, l -> l.size() >= 13, Duration.ofSeconds(40)), run.status(id).toString());
        // from the fourth frame on: the very first send waits for the new topic's metadata, and a
        // frame that arrives meanwhile is replaced by the next one (skipped, as it should be)
        List<Long> numbers = tap.of(id).stream().skip(3).map(FrameTap.Received::number).toList();
        for (int i = 1; i < numbers.size(); i++) {
          assertEquals(numbers.get(i - 1) + 1, numbers.get(i), id + ": each frame once, in order: " + numbers);
        }
        CameraStatus s = run.status(id);
        assertEquals(CameraState.STREAMING, s.state());
        assertEquals(0, s.reconnects(), s.toString());
        assertEquals(null, s.lastError(), s.toString());
      }
    }
  }

  /** Cameras added, removed, disabled and changed in the file take effect within seconds; the others are untouched. */
  @Test
  void anEditedCameraListTakesEffectWithoutTouchingTheOtherCameras(@TempDir Path dir) throws Exception {
    try (MjpegTestCamera a = MjpegTestCamera.start(MjpegTestCamera.Options.of(320, 240, 10));
        MjpegTestCamera b = MjpegTestCamera.start(MjpegTestCamera.Options.of(320, 240, 10));
        MjpegTestCamera c = MjpegTestCamera.start(MjpegTestCamera.Options.of(320, 240, 10));
        IngestRun run = IngestRun.start(IngestRun.settings(KAFKA.bootstrapServers(), Map.of("topic.frames", "edited")), dir, """
            cameras:
              - {id: steady, url: "%s", fps: 2}
              - {id: leaving, url: "%s", fps: 2}
              - {id: changing, url: "%s", fps: 2, zone: before}
            """.formatted(a.mjpegUrl(), b.mjpegUrl(), c.mjpegUrl()));
        FrameTap tap = new FrameTap(run.settings)) {
      for (String id : List.of("steady", "leaving", "changing")) {
        run.await(id, "streaming", s -> s.state() == CameraState.STREAMING && s.framesSent() > 0, Duration.ofSeconds(30));
      }
      long steadyConnections = a.connectionsServed();
      long before = System.currentTimeMillis();
      run.rewrite("""
          cameras:
            - {id: steady, url: "%s", fps: 2}
            - {id: changing, url: "%s", fps: 2, zone: after}
            - {id: joining, url: "%s", fps: 2}
            - {id: resting, url: "%s", fps: 2, enabled: false}
          """.formatted(a.mjpegUrl(), c.mjpegUrl(), b.mjpegUrl(), b.mjpegUrl()));
      run.await("joining", "added and streaming", s -> s.framesSent() > 0, Duration.ofSeconds(10));
      run.await("resting", "disabled", s -> s.state() == CameraState.DISABLED, Duration.ofSeconds(10));
      assertTrue(tap.await("changing", l -> l.stream().anyMatch(r -> "after".equals(r.frame().getTags().get("zone"))),
          Duration.ofSeconds(10)), "the changed zone is on the frames");
      long applied = System.currentTimeMillis() - before;
      assertTrue(!run.listed("leaving"), "removed camera gone");
      Thread.sleep(1500);
      long removedAt = System.currentTimeMillis() - 1000;
      assertTrue(tap.of("leaving", removedAt).isEmpty(), "a removed camera sends nothing");
      assertEquals(0, run.status("resting").framesRead(), "a disabled camera is not read");
      assertEquals(steadyConnections, a.connectionsServed(), "the unchanged camera kept its connection");
      assertEquals(0, run.status("steady").reconnects());
      assertTrue(!run.registry.scrape().contains("camera=\"leaving\""), "a removed camera's series leave /metrics");
      System.out.printf("[ingest] camera list edit applied in %d ms%n", applied);
      // a broken edit is refused and changes nothing
      run.rewrite("""
          cameras:
            - {id: steady, url: "%s", fsp: 2}
          """.formatted(a.mjpegUrl()));
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (run.service.listError() == null && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      String error = run.service.listError();
      assertTrue(error != null && error.contains("'fsp'") && error.contains("steady") && error.contains("cameras.yaml"),
          "the error names key, camera and file: " + error);
      assertEquals(4, run.service.cameras().size(), "the running list is kept");
      assertEquals(CameraState.STREAMING, run.status("joining").state());
    }
  }
}
