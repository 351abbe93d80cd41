package io.emotionstream.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.config.Settings;
import io.emotionstream.frame.ImageDecoding;
import io.emotionstream.ingest.testcamera.MjpegTestCamera;
import io.emotionstream.kafka.EmbeddedKafka;
import io.emotionstream.processor.ProcessorInstance;
import io.emotionstream.schema.FaceEmotion;
import io.emotionstream.testing.ProcessorRun;
import io.emotionstream.testing.SamplePhotos;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * From a live camera to events: an HTTP MJPEG camera showing a group photo (with its frame number
 * drawn in), {@code ingest}, a real broker and a processor instance started as {@code process}
 * starts it. Every event carries the capture time of its frame, the moment ingest read it from the
 * camera (not when it was sent), and its latency is measured from there.
 */
class IngestEndToEndIT {

  @Test
  void eventsOfALiveCameraMeasureTheirLatencyFromTheRealCaptureTime(@TempDir Path dir) throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(); Mat photo = ImageDecoding.readBgr(SamplePhotos.path(1))) {
      int width = 640;
      int height = (int) Math.round((double) photo.rows() * width / photo.cols());
      try (MjpegTestCamera camera = MjpegTestCamera.start(MjpegTestCamera.Options.of(width, height, 10).withPicture(photo))) {
        // one camera file for both: ingest connects the camera, the processor's policy opts it in
        String cameras = """
            cameras:
              - {id: live, url: "%s", fps: 1, site: store-12, zone: entrance,
                 emotion: true, context: customer-area, purpose: end-to-end test on a sample photo}
            """.formatted(camera.mjpegUrl());
        Path cameraFile = java.nio.file.Files.writeString(dir.resolve("processor-cameras.yaml"), cameras);
        Map<String, String> values = new java.util.HashMap<>(Map.of("bootstrap.servers", kafka.bootstrapServers(),
            "application.id", "it-ingest-e2e", "topics.partitions", "1", "commit.interval.ms", "200",
            "model.dir", "faceapi-expression", "stream.state-dir", ProcessorRun.freshStateDir(), "ops.port", "0",
            "ingest.reload-check-ms", "500"));
        values.put("cameras.file", cameraFile.toString());
        Settings settings = Settings.defaults().with(values, "test");
        try (ProcessorInstance processor = ProcessorInstance.create(settings, false)) {
          processor.load();
          processor.start();
          assertTrue(processor.processor().awaitRunning(Duration.ofSeconds(60)), "processor not RUNNING");
          try (IngestRun ingest = IngestRun.start(settings, dir, cameras);
              FrameTap tap = new FrameTap(settings)) {
            ProcessorRun.await("8 frames analysed", () -> processor.stats().framesProcessed() >= 8, Duration.ofMinutes(3));
            List<FaceEmotion> events = ProcessorRun.readEvents(settings, processor.stats().faces(), Duration.ofSeconds(30));
            assertTrue(!events.isEmpty(), "faces found in the camera's frames");
            Map<Long, FrameTap.Received> frames = new HashMap<>();
            tap.of("live").forEach(r -> frames.put(r.frame().getSequence(), r));
            List<Long> latencies = new ArrayList<>();
            List<Long> readToSent = new ArrayList<>();
            for (FaceEmotion e : events) {
              FrameTap.Received frame = frames.get(e.getFrameSequence());
              assertTrue(frame != null, "the event's frame was sent by ingest: " + e.getFrameSequence());
              assertEquals(frame.capture(), e.getCaptureTime(), "the event carries its frame's capture time");
              long made = camera.madeAtMillis(frame.number());
              long captured = e.getCaptureTime().toEpochMilli();
              assertTrue(captured >= made && captured - made < 1000,
                  "capture time is when ingest read the frame: made " + made + ", captured " + captured);
              assertTrue(e.getLatencyMs() >= frame.recordTimestamp() - captured,
                  "latency counts the time before the frame was sent too: " + e.getLatencyMs());
              assertEquals("store-12", e.getSiteId());
              assertEquals("live", e.getCameraId());
              latencies.add(e.getLatencyMs());
              readToSent.add(frame.recordTimestamp() - captured);
            }
            latencies.sort(Long::compare);
            readToSent.sort(Long::compare);
            System.out.printf("[ingest] end to end: %d events from %d frames; latency from capture time to event p50 %d ms,"
                + " max %d ms; capture (read) to send p50 %d ms, max %d ms%n", events.size(), processor.stats().framesProcessed(),
                latencies.get(latencies.size() / 2), latencies.get(latencies.size() - 1),
                readToSent.get(readToSent.size() / 2), readToSent.get(readToSent.size() - 1));
            assertEquals(CameraState.STREAMING, ingest.status("live").state());
          }
        }
      }
    }
  }
}
