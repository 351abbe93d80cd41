package io.emotionstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.config.Settings;
import io.emotionstream.detect.MtcnnDetector;
import io.emotionstream.frame.ImageDecoding;
import io.emotionstream.kafka.EmbeddedKafka;
import io.emotionstream.processor.Pipeline;
import io.emotionstream.schema.FaceEmotion;
import io.emotionstream.stream.EmotionStreams;
import io.emotionstream.testing.ProcessorRun;
import io.emotionstream.testing.SamplePhotos;
import io.emotionstream.testing.TestCameras;
import io.emotionstream.testing.TrackVideos;
import io.emotionstream.track.FaceBox;
import io.emotionstream.track.TrackingScore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Face tracks end to end: a test video with known truth (a camera panning across a group photo:
 * faces enter, cross and leave the view) is streamed with {@code produce} into a real broker, the
 * processor (real detector and model, tracked detection on) emits events with track ids, and the
 * tracks are scored against the truth.
 */
class TrackedVideoIT {

  private static final int FRAMES = 40;

  @Test
  void tracksOfAPanStreamedWithProduceMatchTheTruth(@TempDir Path dir) throws Exception {
    Path video = dir.resolve("pan.avi");
    TrackVideos.Truth truth;
    try (MtcnnDetector detector = new MtcnnDetector();
        Mat photo = ImageDecoding.readBgr(SamplePhotos.path(5))) {
      List<FaceBox> faces = detector.detect(photo).stream().filter(f -> f.score() >= 0.95)
          .map(f -> new FaceBox(f.x1(), f.y1(), f.x2(), f.y2())).toList();
      truth = TrackVideos.write(video, photo, faces, TrackVideos.pan(photo.cols(), photo.rows(), photo.cols() * 0.6,
          FRAMES), FRAMES, 640, 360, 10, List.of());
    }
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      Settings settings = Settings.defaults().with(Map.of(
          "bootstrap.servers", kafka.bootstrapServers(),
          "application.id", "it-tracked-video",
          "topics.partitions", "1",
          "commit.interval.ms", "200",
          "model.dir", "faceapi-expression",
          "stream.state-dir", ProcessorRun.freshStateDir(),
          "frame.max-age-ms", "0", // every frame counts here, however slow the machine
          "cameras.file", TestCameras.optedIn("pan-cam")), "test");
      try (Pipeline pipeline = Pipeline.open(settings);
          EmotionStreams processor = new EmotionStreams(settings, pipeline.analyzer())) {
        processor.start();
        assertTrue(processor.awaitRunning(Duration.ofSeconds(60)), "processor did not reach RUNNING");
        int code = new CommandLine(new ProduceCommand()).execute("-b", kafka.bootstrapServers(),
            "--camera-id", "pan-cam", "--fps", "10", "--quiet", video.toString());
        assertEquals(0, code);
        ProcessorRun.await("the video processed", () -> processor.stats().framesProcessed() >= FRAMES,
            Duration.ofMinutes(3));
        List<FaceEmotion> events = ProcessorRun.readEvents(settings, processor.stats().faces(), Duration.ofSeconds(30));
        Map<Long, List<TrackingScore.Labelled>> byFrame = new HashMap<>();
        for (FaceEmotion e : events) {
          var b = e.getBox();
          byFrame.computeIfAbsent(e.getFrameSequence(), k -> new ArrayList<>()).add(new TrackingScore.Labelled(
              e.getTrackId(), new FaceBox(b.getX(), b.getY(), b.getX() + b.getWidth(), b.getY() + b.getHeight())));
        }
        TrackingScore score = new TrackingScore(0.5);
        for (int i = 0; i < FRAMES; i++) {
          score.add(truth.frames().get(i), truth.partial().get(i), byFrame.getOrDefault((long) i, List.of()));
        }
        System.out.println("pan streamed with produce, tracked detection on: " + score);
        assertTrue(score.trueFaces() > 30, score.toString());
        assertEquals(0, score.identitySwitches(), score.toString());
        assertTrue(score.mota() >= 0.85, score.toString());
        score.tracksPerIdentity().forEach((face, tracks) -> assertEquals(1, tracks, face + ": " + score));
      }
    }
  }
}
