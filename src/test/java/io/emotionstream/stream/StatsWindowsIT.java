package io.emotionstream.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.config.Settings;
import io.emotionstream.frame.EncodedImage;
import io.emotionstream.kafka.TopicReader;
import io.emotionstream.kafka.serde.AvroSerdes;
import io.emotionstream.schema.EmotionStats;
import io.emotionstream.schema.FaceEmotion;
import io.emotionstream.testing.KafkaPipelineExtension;
import io.emotionstream.testing.ProcessorRun;
import io.emotionstream.testing.TestCameras;
import io.emotionstream.testing.SamplePhotos;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The window counts through a real broker with the real detector and model: two cameras on one
 * partition, one of them 30 s behind the other (its frames captured 30 s earlier, sent at the same
 * time), windows of 10 s with 2 s of grace. A consumer of the stats topic gets exactly one final
 * record per camera and window, holding every frame and face of that window. Under the partition's
 * time (Kafka Streams' windowed aggregation) the camera behind lost its frames as late.
 */
class StatsWindowsIT {

  private static final long WINDOW_MS = 10_000;
  private static final int SECONDS = 60;

  @RegisterExtension
  static final KafkaPipelineExtension KAFKA = KafkaPipelineExtension.broker().withPipeline();

  @Test
  void aCameraThirtySecondsBehindAnotherOnItsPartitionGetsOneFinalRecordPerWindowWithAllItsFrames() throws Exception {
    Settings settings = KAFKA.settings("lag", Map.of("topics.partitions", "1",
        "stats.window-seconds", Long.toString(WINDOW_MS / 1000), "stats.grace-seconds", "2",
        "cameras.file", TestCameras.optedIn("ahead", "behind"),
        "stats.min-people", "1")); // every window's counts as counted (disclosure is PolicyIT's)

    List<EncodedImage> photos = SamplePhotos.encoded(640, 1, 3);
    EncodedImage empty = TestFrames.jpeg(160, 120);
    long base = Instant.now().minusSeconds(SECONDS + 40).toEpochMilli();
    Map<String, Long> framesPerWindow = new TreeMap<>();
    try (EmotionStreams processor = new EmotionStreams(settings, KAFKA.analyzer());
        FrameProducer producer = new FrameProducer(settings)) {
      processor.start();
      assertTrue(processor.awaitRunning(Duration.ofSeconds(60)));
      // one frame per second and camera, sent together: "behind" was captured 30 s before "ahead"
      for (int i = 0; i < SECONDS; i++) {
        for (String camera : List.of("ahead", "behind")) {
          long capture = base + i * 1_000L - (camera.equals("behind") ? 30_000 : 0);
          EncodedImage image = i % 7 == 3 ? photos.get(i % photos.size()) : empty;
          producer.send(FrameProducer.frame(camera, i, image, Instant.ofEpochMilli(capture), "site", Map.of())).get();
          framesPerWindow.merge(camera + "@" + (capture - capture % WINDOW_MS), 1L, Long::sum);
        }
      }
      FrameStats stats = processor.stats();
      ProcessorRun.await("frames processed", () -> stats.framesProcessed() >= 2 * SECONDS, Duration.ofMinutes(5));
      List<FaceEmotion> events = ProcessorRun.readEvents(settings, stats.faces(), Duration.ofSeconds(30));
      Map<String, Long> facesPerWindow = new TreeMap<>();
      for (FaceEmotion e : events) {
        long t = e.getCaptureTime().toEpochMilli();
        facesPerWindow.merge(e.getCameraId() + "@" + (t - t % WINDOW_MS), 1L, Long::sum);
      }
      assertTrue(events.size() > 5, "the photos show faces: " + events.size());

      // the stats consumer: every window of both cameras, the last ones once their camera fell silent
      Map<String, Integer> records = new TreeMap<>();
      Map<String, EmotionStats> windows = new TreeMap<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      try (TopicReader<EmotionStats> reader = new TopicReader<>(settings, "lag-stats",
          AvroSerdes.from(settings).serde(EmotionStats.class).deserializer(), TopicReader.Start.BEGINNING)) {
        while (windows.size() < framesPerWindow.size() && System.nanoTime() < deadline) {
          collect(reader.poll(Duration.ofMillis(500)), records, windows);
        }
        // and nothing more arrives: each window was sent once
        long quiet = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < quiet) {
          collect(reader.poll(Duration.ofMillis(500)), records, windows);
        }
      }
      System.out.println("windows (camera@start: frames sent / in the record, faces in events / in the record, records):");
      framesPerWindow.forEach((w, n) -> System.out.printf("  %s: %d / %s, %d / %s, %s%n", w, n,
          windows.containsKey(w) ? windows.get(w).getFramesAnalysed() : "-", facesPerWindow.getOrDefault(w, 0L),
          windows.containsKey(w) ? windows.get(w).getFaces() : "-", records.getOrDefault(w, 0)));
      assertEquals(framesPerWindow.keySet(), windows.keySet(), "every window of both cameras");
      records.forEach((w, n) -> assertEquals(1, n, "records of window " + w));
      framesPerWindow.forEach((w, n) -> assertEquals(n, windows.get(w).getFramesAnalysed(), "frames of " + w));
      framesPerWindow.keySet().forEach(w -> assertEquals(facesPerWindow.getOrDefault(w, 0L), windows.get(w).getFaces(),
          "faces of " + w));
      assertEquals(0, stats.framesLateForWindow("behind"));
      assertEquals(0, stats.framesLateForWindow("ahead"));
    }
  }

  private static void collect(List<ConsumerRecord<String, EmotionStats>> polled, Map<String, Integer> records,
      Map<String, EmotionStats> windows) {
    for (ConsumerRecord<String, EmotionStats> r : polled) {
      String key = r.key() + "@" + r.value().getWindowStart().toEpochMilli();
      assertEquals(r.key(), r.value().getCameraId());
      records.merge(key, 1, Integer::sum);
      windows.put(key, r.value());
    }
  }
}
