package io.emotionstream.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.config.Settings;
import io.emotionstream.frame.EncodedImage;
import io.emotionstream.schema.CameraFrame;
import io.emotionstream.schema.FaceEmotion;
import io.emotionstream.testing.KafkaPipelineExtension;
import io.emotionstream.testing.ProcessorRun;
import io.emotionstream.testing.SamplePhotos;
import io.emotionstream.testing.TestCameras;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Face tracks survive a restart of the processor: on a real broker with the real detector and
 * model, a still scene is streamed, the processor is stopped mid-stream and a new one (with a fresh
 * local state directory, so it restores the tracker store from its changelog) continues: every
 * face keeps the track id it had before.
 */
class TrackRestartIT {

  @RegisterExtension
  static final KafkaPipelineExtension KAFKA = KafkaPipelineExtension.broker().withPipeline();

  @Test
  void aRestartedProcessorContinuesTheTracks() throws Exception {
    Settings settings = KAFKA.settings("track-restart", Map.of("topics.partitions", "2",
        // the test pauses between the two halves: the camera must not count as gone meanwhile
        "track.max-gap-ms", "600000",
        "cameras.file", TestCameras.optedIn("still-cam")));
    EncodedImage photo = SamplePhotos.encoded(960, 5).get(0);
    Instant t0 = Instant.now();
    int frames = 6;
    // each processor gets a fresh local state directory, so the second one can only know the tracks
    // from the tracker store's changelog topic
    try (EmotionStreams first = new EmotionStreams(fresh(settings), KAFKA.analyzer());
        FrameProducer producer = new FrameProducer(settings)) {
      first.start();
      assertTrue(first.awaitRunning(Duration.ofSeconds(60)), "processor did not reach RUNNING");
      for (int i = 0; i < frames; i++) {
        producer.send(frame(i, photo, t0)).get();
      }
      ProcessorRun.await("first half processed", () -> first.stats().framesProcessed() >= frames, Duration.ofMinutes(3));
    }
    try (EmotionStreams second = new EmotionStreams(fresh(settings), KAFKA.analyzer());
        FrameProducer producer = new FrameProducer(settings)) {
      second.start();
      assertTrue(second.awaitRunning(Duration.ofSeconds(60)), "processor did not reach RUNNING after the restart");
      for (int i = frames; i < 2 * frames; i++) {
        producer.send(frame(i, photo, t0)).get();
      }
      ProcessorRun.await("second half processed", () -> second.stats().framesProcessed() >= frames, Duration.ofMinutes(3));
    }
    List<FaceEmotion> events = ProcessorRun.readEvents(settings, Long.MAX_VALUE, Duration.ofSeconds(10));
    // the faces of a still scene are where they were in the first frame: each event belongs to the
    // first frame's face its box overlaps most (the order of faces within a frame may change)
    List<FaceEmotion> first = events.stream().filter(e -> e.getFrameSequence() == 0).toList();
    assertTrue(first.size() >= 3, "the photo shows several faces, found " + first.size());
    assertEquals(2 * frames * first.size(), events.size(), "one event per face per frame");
    Map<Integer, Map<Boolean, List<String>>> ids = new TreeMap<>();
    for (FaceEmotion e : events) {
      int face = 0;
      for (int f = 1; f < first.size(); f++) {
        if (iou(e, first.get(f)) > iou(e, first.get(face))) {
          face = f;
        }
      }
      assertTrue(iou(e, first.get(face)) > 0.5, "frame " + e.getFrameSequence() + " has a face where the first had none");
      ids.computeIfAbsent(face, k -> new HashMap<>())
          .computeIfAbsent(e.getFrameSequence() >= frames, k -> new java.util.ArrayList<>()).add(e.getTrackId());
    }
    for (var face : ids.entrySet()) {
      var before = face.getValue().get(false).stream().distinct().collect(Collectors.toList());
      var after = face.getValue().get(true).stream().distinct().collect(Collectors.toList());
      assertEquals(1, before.size(), "face " + face.getKey() + " before the restart: " + before);
      assertEquals(before, after, "face " + face.getKey() + " after the restart");
    }
  }

  private static double iou(FaceEmotion a, FaceEmotion b) {
    var p = a.getBox();
    var q = b.getBox();
    double w = Math.min(p.getX() + p.getWidth(), q.getX() + q.getWidth()) - Math.max(p.getX(), q.getX());
    double h = Math.min(p.getY() + p.getHeight(), q.getY() + q.getHeight()) - Math.max(p.getY(), q.getY());
    if (w <= 0 || h <= 0) {
      return 0;
    }
    return w * h / (p.getWidth() * p.getHeight() + q.getWidth() * q.getHeight() - w * h);
  }

  private static Settings fresh(Settings settings) {
    return settings.with(Map.of("stream.state-dir", ProcessorRun.freshStateDir()), "test");
  }

  private static CameraFrame frame(int i, EncodedImage photo, Instant t0) {
    CameraFrame frame = TestFrames.frame("still-cam", i, photo);
    frame.setCaptureTime(t0.plusMillis(200L * i));
    return frame;
  }
}
