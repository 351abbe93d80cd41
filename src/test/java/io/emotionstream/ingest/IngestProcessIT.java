package io.emotionstream.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.emotionstream.ingest.testcamera.MjpegTestCamera;
import io.emotionstream.kafka.EmbeddedKafka;
import io.emotionstream.testing.PrometheusText;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ingest} as an operator runs it, in its own JVM, with cameras that need passwords given
 * every supported way (a file, an environment variable, inside the URL) and one wrong password:
 * {@code /api/cameras}, {@code /metrics} and {@code /health/ready} report the cameras, SIGHUP
 * reloads the list, SIGTERM stops it, and none of the planted passwords appears in anything the
 * process wrote (its output at DEBUG level, FFmpeg's own messages included), served, or shows in
 * its command line.
 */
class IngestProcessIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void passwordsNeverShowAndTheOperatorSeesEveryCamera(@TempDir Path dir) throws Exception {
    assumeTrue(RtspTestCamera.available(), RtspTestCamera.MISSING);
    String rtspPassword = "Rtsp-file-6170";
    String inlinePassword = "Inline-url-2291";
    String envPassword = "Env-var-8446";
    String wrongPassword = "Wrong-file-3307";
    Path serverSecret = Files.writeString(dir.resolve("server-secret"), rtspPassword);
    Path rtspFile = Files.writeString(dir.resolve("rtsp-password"), rtspPassword);
    Path wrongFile = Files.writeString(dir.resolve("wrong-password"), wrongPassword);
    try (EmbeddedKafka kafka = EmbeddedKafka.start();
        RtspTestCamera rtsp = RtspTestCamera.start(320, 240, 10, "viewer", serverSecret, dir.resolve("rtsp.log"));
        MjpegTestCamera inline = MjpegTestCamera.start(MjpegTestCamera.Options.of(320, 240, 10)
            .withCredentials("admin", inlinePassword));
        MjpegTestCamera env = MjpegTestCamera.start(MjpegTestCamera.Options.of(320, 240, 10)
            .withCredentials("viewer", envPassword));
        MjpegTestCamera plain = MjpegTestCamera.start(MjpegTestCamera.Options.of(320, 240, 10))) {
      Path cameras = dir.resolve("cameras.yaml");
      String list = """
          cameras:
            - {id: rtsp-file, url: "%s", username: viewer, password-file: "%s", site: s1, zone: door}
            - {id: mjpeg-inline, url: "%s", site: s1}
            - {id: mjpeg-env, url: "%s", username: viewer, password-env: TEST_CAMERA_PASSWORD}
            - {id: wrong, url: "%s", username: viewer, password-file: "%s"}
          """.formatted(rtsp.url(), rtspFile, inline.mjpegUrl().replace("http://", "http://admin:" + inlinePassword + "@"),
          env.mjpegUrl(), rtsp.url(), wrongFile);
      Files.writeString(cameras, list);
      try (IngestProcess ingest = IngestProcess.launch(kafka.bootstrapServers(), cameras,
          Map.of("TEST_CAMERA_PASSWORD", envPassword, "EMOTION_STREAM_LOG_LEVEL", "DEBUG"),
          // the failed camera must stay failed while its state is read from /api/cameras, /health/ready and
          // /metrics in turn: a 2 s retry moved it to connecting between them on a loaded CI machine
          List.of("ingest.reload-check-ms=3600000", "ingest.failed-retry-ms=15000"), dir.resolve("ingest.log"))) {
        JsonNode status = await(ingest, "three cameras streaming and one failed", s -> count(s, "streaming") == 3
            && count(s, "failed") == 1, Duration.ofSeconds(60));
        JsonNode wrong = camera(status, "wrong");
        assertTrue(wrong.path("lastError").asText().contains("refused the credentials"), wrong.toString());
        assertEquals("http://admin:***@127.0.0.1:" + inline.port() + "/video", camera(status, "mjpeg-inline").path("url").asText());
        var ready = ingest.get("/health/ready");
        assertEquals(200, ready.statusCode(), ready.body());
        assertTrue(ready.body().contains("3 of 4 cameras streaming, 1 failed"), ready.body());
        assertEquals(200, ingest.get("/health/live").statusCode());
        PrometheusText metrics = PrometheusText.parse(ingest.body("/metrics"));
        assertEquals(1.0, metrics.value("emotionstream_ingest_camera_state", s -> s.has("camera", "wrong")
            && s.has("state", "failed") && s.has("application", "emotion-stream")), "the failed camera's state series");
        assertFalse(metrics.series("emotionstream_ingest_frames_sent_total", s -> s.has("camera", "rtsp-file")).isEmpty(),
            "a frames-sent series for the streaming camera rtsp-file");

        // SIGHUP: the file watch is off (one hour), so only the signal can bring the change in
        Files.writeString(cameras, list + "  - {id: added-on-hangup, url: \"%s\"}\n".formatted(plain.mjpegUrl()));
        Thread.sleep(500);
        ingest.signal("HUP");
        await(ingest, "the camera added by SIGHUP streaming", s -> camera(s, "added-on-hangup") != null
            && "streaming".equals(camera(s, "added-on-hangup").path("state").asText()), Duration.ofSeconds(20));

        String served = ingest.body("/api/cameras") + ingest.body("/metrics") + ingest.body("/api/status")
            + ingest.body("/health/ready") + ingest.body("/health/live");
        String commandLine = ingest.commandLine();
        int code = ingest.stop(60);
        String output = Files.readString(ingest.log());
        System.out.printf("[ingest] process output: %d lines, %d bytes; exit code after SIGTERM %d%n",
            output.lines().count(), output.length(), code);
        assertTrue(output.contains("DEBUG"), "the output was written at DEBUG level");
        for (String secret : List.of(rtspPassword, inlinePassword, envPassword, wrongPassword)) {
          assertFalse(output.contains(secret), "a password in the process output (" + ingest.log() + ")");
          assertFalse(served.contains(secret), "a password served on the ops port");
          assertFalse(commandLine.contains(secret), "a password in the command line");
        }
        assertTrue(code == 0 || code == 143, "stopped by SIGTERM, exit code " + code);
        assertTrue(output.contains("camera wrong: ") && output.contains("refused the credentials"),
            "the failure is logged with its reason");
      }
    }
  }

  private static long count(JsonNode status, String state) {
    long n = 0;
    for (JsonNode c : status.path("cameras")) {
      n += state.equals(c.path("state").asText()) ? 1 : 0;
    }
    return n;
  }

  private static JsonNode camera(JsonNode status, String id) {
    for (JsonNode c : status.path("cameras")) {
      if (c.path("id").asText().equals(id)) {
        return c;
      }
    }
    return null;
  }

  private static JsonNode await(IngestProcess ingest, String what, Predicate<JsonNode> condition, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      assertTrue(ingest.alive(), "ingest exited; see " + ingest.log());
      java.net.http.HttpResponse<String> r;
      try {
        r = ingest.get("/api/cameras");
      } catch (java.io.IOException e) {
        r = null; // not listening yet
      }
      if (r != null && r.statusCode() == 200) {
        last = JSON.readTree(r.body());
        if (condition.test(last)) {
          return last;
        }
      }
      Thread.sleep(250);
    }
    List<String> log = Files.readAllLines(ingest.log());
    throw new AssertionError("not " + what + " within " + timeout + ": " + last + "\nlast lines of ingest's output:\n"
        + String.join("\n", log.subList(Math.max(0, log.size() - 40), log.size())));
  }
}
