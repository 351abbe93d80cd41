package io.emotionstream.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.emotionstream.ingest.testcamera.MjpegTestCamera;
import io.emotionstream.testing.KafkaPipelineExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cameras that fail, against real RTSP (GStreamer) and HTTP MJPEG servers: killed for 10 s and
 * started again (frames must flow again within 5 s of the camera's return, reconnects counted),
 * stalled with the connection open (found within the default read timeout of 5 s), and a wrong
 * password (state failed, a message that names the problem and not the password; fixed in the
 * password file, the camera streams again without a restart). The other camera never stops.
 */
class CameraFailuresIT {

  @RegisterExtension
  static final KafkaPipelineExtension KAFKA = KafkaPipelineExtension.broker();

  @Test
  void camerasKilledForTenSecondsStreamAgainWithinFiveSecondsOfTheirReturn(@TempDir Path dir) throws Exception {
    assumeTrue(RtspTestCamera.available(), RtspTestCamera.MISSING);
    try (RtspTestCamera rtsp = RtspTestCamera.start(320, 240, 10, null, null, dir.resolve("rtsp.log"));
        MjpegTestCamera mjpeg = MjpegTestCamera.start(MjpegTestCamera.Options.of(320, 240, 10));
        MjpegTestCamera other = MjpegTestCamera.start(MjpegTestCamera.Options.of(320, 240, 10));
        IngestRun run = IngestRun.start(IngestRun.settings(KAFKA.bootstrapServers(), Map.of("topic.frames", "restarts")), dir, """
            cameras:
              - {id: rtsp, url: "%s", fps: 2}
              - {id: mjpeg, url: "%s", fps: 2}
              - {id: other, url: "%s", fps: 2}
            """.formatted(rtsp.url(), mjpeg.mjpegUrl(), other.mjpegUrl()));
        FrameTap tap = new FrameTap(run.settings)) {
      for (String id : new String[] {"rtsp", "mjpeg", "other"}) {
        run.await(id, "streaming", s -> s.framesSent() >= 2, Duration.ofSeconds(30));
      }
      rtsp.kill();
      mjpeg.kill();
      run.await("rtsp", "backing off", s -> s.state() == CameraState.BACKING_OFF, Duration.ofSeconds(10));
      run.await("mjpeg", "backing off", s -> s.state() == CameraState.BACKING_OFF, Duration.ofSeconds(10));
      Thread.sleep(10_000);
      long otherSentBefore = run.status("other").framesSent();
      rtsp.restart();
      mjpeg.restart();
      long back = System.currentTimeMillis();
      assertTrue(tap.await("rtsp", l -> !l.stream().filter(r -> r.recordTimestamp() > back).toList().isEmpty(),
          Duration.ofSeconds(15)), "rtsp: " + run.status("rtsp"));
      assertTrue(tap.await("mjpeg", l -> !l.stream().filter(r -> r.recordTimestamp() > back).toList().isEmpty(),
          Duration.ofSeconds(15)), "mjpeg: " + run.status("mjpeg"));
      long rtspAfter = tap.of("rtsp", back).get(0).recordTimestamp() - back;
      long mjpegAfter = tap.of("mjpeg", back).get(0).recordTimestamp() - back;
      CameraStatus r = run.status("rtsp");
      CameraStatus m = run.status("mjpeg");
      System.out.printf("[ingest] after 10 s down, first frame in Kafka %d ms (RTSP) and %d ms (MJPEG) after the camera"
          + " came back; reconnects %d and %d; last errors: %s / %s%n", rtspAfter, mjpegAfter, r.reconnects(), m.reconnects(),
          r.lastError(), m.lastError());
      assertTrue(rtspAfter <= 5000, "RTSP frames again after " + rtspAfter + " ms");
      assertTrue(mjpegAfter <= 5000, "MJPEG frames again after " + mjpegAfter + " ms");
      assertTrue(r.reconnects() >= 3 && m.reconnects() >= 3, "reconnects counted: " + r + " / " + m);
      assertEquals(CameraState.STREAMING, r.state());
      assertTrue(run.status("other").framesSent() > otherSentBefore, "the other camera kept streaming");
      assertEquals(0, run.status("other").reconnects());
    }
  }

  @Test
  void aStalledConnectionIsFoundWithinTheReadTimeout(@TempDir Path dir) throws Exception {
    assumeTrue(RtspTestCamera.available(), RtspTestCamera.MISSING);
    long readTimeout = IngestDefaults.from(IngestRun.settings("x:1", Map.of())).readTimeout().toMillis();
    assertTrue(readTimeout <= 5000, "the default read timeout is at most 5 s");
    try (RtspTestCamera rtsp = RtspTestCamera.start(320, 240, 10, null, null, dir.resolve("rtsp.log"));
        MjpegTestCamera mjpeg = MjpegTestCamera.start(MjpegTestCamera.Options.of(320, 240, 10));
        IngestRun run = IngestRun.start(IngestRun.settings(KAFKA.bootstrapServers(), Map.of("topic.frames", "stalls")), dir, """
            cameras:
              - {id: rtsp, url: "%s", fps: 2}
              - {id: mjpeg, url: "%s", fps: 2}
            """.formatted(rtsp.url(), mjpeg.mjpegUrl()))) {
      run.await("rtsp", "streaming", s -> s.framesSent() >= 2, Duration.ofSeconds(30));
      run.await("mjpeg", "streaming", s -> s.framesSent() >= 2, Duration.ofSeconds(30));
      rtsp.freeze();
      mjpeg.stall();
      long stalled = System.currentTimeMillis();
      CameraStatus r = run.await("rtsp", "found stalled", s -> s.state() != CameraState.STREAMING, Duration.ofSeconds(15));
      long rtspFound = System.currentTimeMillis() - stalled;
      CameraStatus m = run.await("mjpeg", "found stalled", s -> s.state() != CameraState.STREAMING, Duration.ofSeconds(15));
      long mjpegFound = System.currentTimeMillis() - stalled;
      System.out.printf("[ingest] stalled connections found after %d ms (RTSP: %s) and %d ms (MJPEG: %s); read timeout %d ms%n",
          rtspFound, r.lastError(), mjpegFound, m.lastError(), readTimeout);
      // the last frame arrived at most one frame interval (100 ms) before the stall began
      assertTrue(rtspFound <= readTimeout + 1000, "RTSP stall found after " + rtspFound + " ms");
      assertTrue(mjpegFound <= readTimeout + 1000, "MJPEG stall found after " + mjpegFound + " ms");
      assertTrue(r.lastError() != null && m.lastError() != null);
      rtsp.thaw();
      mjpeg.resume();
      run.await("rtsp", "streaming again", s -> s.state() == CameraState.STREAMING, Duration.ofSeconds(20));
      run.await("mjpeg", "streaming again", s -> s.state() == CameraState.STREAMING, Duration.ofSeconds(20));
    }
  }

  @Test
  void aWrongPasswordFailsTheCameraWithoutShowingItAndTheFixedFileIsPickedUp(@TempDir Path dir) throws Exception {
    assumeTrue(RtspTestCamera.available(), RtspTestCamera.MISSING);
    String right = "Rtsp-right-8841";
    String wrong = "Wrong-guess-5527";
    Path serverSecret = Files.writeString(dir.resolve("server-secret"), right);
    Path rtspPassword = Files.writeString(dir.resolve("rtsp-password"), wrong);
    Path mjpegPassword = Files.writeString(dir.resolve("mjpeg-password"), wrong + "\n");
    try (RtspTestCamera rtsp = RtspTestCamera.start(320, 240, 10, "viewer", serverSecret, dir.resolve("rtsp.log"));
        MjpegTestCamera mjpeg = MjpegTestCamera.start(MjpegTestCamera.Options.of(320, 240, 10)
            .withCredentials("viewer", right));
        IngestRun run = IngestRun.start(IngestRun.settings(KAFKA.bootstrapServers(),
            Map.of("topic.frames", "passwords", "ingest.failed-retry-ms", "2000")), dir, """
            cameras:
              - {id: rtsp, url: "%s", fps: 2, username: viewer, password-file: "%s"}
              - {id: mjpeg, url: "%s", fps: 2, username: viewer, password-file: "%s"}
            """.formatted(rtsp.url(), rtspPassword, mjpeg.mjpegUrl(), mjpegPassword))) {
      CameraStatus r = run.await("rtsp", "failed", s -> s.state() == CameraState.FAILED, Duration.ofSeconds(30));
      CameraStatus m = run.await("mjpeg", "failed", s -> s.state() == CameraState.FAILED, Duration.ofSeconds(30));
      System.out.printf("[ingest] wrong password: %s / %s%n", r.lastError(), m.lastError());
      assertTrue(r.lastError().contains("refused the credentials"), r.lastError());
      assertTrue(m.lastError().contains("refused the credentials"), m.lastError());
      String shown = run.service.statusJson().toString() + run.registry.scrape() + r + m;
      assertFalse(shown.contains(wrong), "the wrong password shows: " + shown);
      assertFalse(shown.contains(right));
      Files.writeString(rtspPassword, right);
      Files.writeString(mjpegPassword, right);
      run.await("rtsp", "streaming with the fixed password", s -> s.state() == CameraState.STREAMING && s.framesSent() > 0,
          Duration.ofSeconds(20));
      run.await("mjpeg", "streaming with the fixed password", s -> s.state() == CameraState.STREAMING && s.framesSent() > 0,
          Duration.ofSeconds(20));
      shown = run.service.statusJson().toString() + run.registry.scrape();
      assertFalse(shown.contains(right), "the password shows: " + shown);
    }
  }
}
