package io.emotionstream.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.detect.DetectedFace;
import io.emotionstream.detect.FaceDetector;
import io.emotionstream.detect.FaceRegion;
import io.emotionstream.emotion.EmotionClassifier;
import io.emotionstream.emotion.EmotionPrediction;
import io.emotionstream.frame.CropSpec;
import io.emotionstream.frame.EncodedImage;
import io.emotionstream.schema.CameraFrame;
import io.emotionstream.schema.FaceEmotion;
import io.emotionstream.schema.LabelScore;
import io.emotionstream.stream.FrameProducer;
import io.emotionstream.stream.TestFrames;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

/**
 * The analyzer between its parts, each a stand-in here (the real detector and model have their
 * own tests and the stream tests run them together): what it makes of the faces found and the
 * predictions made, what it refuses before detection, and when a tracked search falls back to a
 * full one.
 */
class FrameAnalyzerTest {

  private static final List<String> LABELS = List.of("happy", "sad");
  private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
  private static final EncodedImage IMAGE = TestFrames.jpeg(160, 120);

  /** Finds the faces it is given; counts its calls. */
  private static final class GivenFaces implements FaceDetector {
    final List<DetectedFace> everywhere;
    final List<DetectedFace> around;
    int fullSearches;

    GivenFaces(List<DetectedFace> everywhere, List<DetectedFace> around) {
      this.everywhere = everywhere;
      this.around = around;
    }

    @Override
    public List<DetectedFace> detect(Mat bgr) {
      fullSearches++;
      return everywhere;
    }

    @Override
    public List<DetectedFace> detectAround(Mat bgr, List<FaceRegion> expected) {
      return around;
    }

    @Override
    public void close() {}
  }

  /** Answers with the probabilities it is given, one array per crop in order; counts the crops. */
  private static final class GivenPredictions implements EmotionClassifier {
    final List<float[]> answers;
    int crops;

    GivenPredictions(List<float[]> answers) {
      this.answers = answers;
    }

    @Override
    public CropSpec cropSpec() {
      return new CropSpec(48, 48, CropSpec.Framing.SQUARE, 0);
    }

    @Override
    public List<EmotionPrediction> classify(List<Mat> faces) {
      crops += faces.size();
      List<EmotionPrediction> out = new ArrayList<>();
      for (int i = 0; i < Math.min(faces.size(), answers.size()); i++) {
        out.add(new EmotionPrediction(LABELS, answers.get(i), "stand-in", "7"));
      }
      return out;
    }

    @Override
    public void close() {}
  }

  private static DetectedFace face(float x, float y, float score) {
    return new DetectedFace(x, y, x + 40, y + 40, score, new float[] {
        x + 10, y + 10, x + 30, y + 10, x + 20, y + 20, x + 12, y + 30, x + 28, y + 30});
  }

  private static FrameAnalyzer analyzer(FaceDetector detector, EmotionClassifier classifier, double minConfidence) {
    return new FrameAnalyzer(detector, (frame, face, spec) -> new Mat(spec.height(), spec.width(),
        org.bytedeco.opencv.global.opencv_core.CV_8UC3), classifier, new FrameLimits(1 << 20, 1 << 20),
        Clock.fixed(NOW, ZoneOffset.UTC), minConfidence);
  }

  private static CameraFrame frame() {
    return FrameProducer.frame("door-cam", 42, IMAGE, NOW.minusMillis(250), "store-1", Map.of("zone", "door"));
  }

  @Test
  void everyFaceFoundBecomesOneEventInDetectionOrderWithItsFrameAndPrediction() {
    List<DetectedFace> faces = List.of(face(10, 20, 0.99f), face(90, 30, 0.9f));
    GivenPredictions classifier = new GivenPredictions(List.of(new float[] {0.8f, 0.2f}, new float[] {0.3f, 0.7f}));
    FrameResult result = analyzer(new GivenFaces(faces, List.of()), classifier, 0).analyze(frame());

    assertEquals(2, result.events().size());
    assertEquals(2, classifier.crops);
    assertTrue(result.fullSearch());
    assertEquals(250, result.latencyMillis());
    for (int i = 0; i < 2; i++) {
      FaceEmotion e = result.events().get(i);
      assertEquals("door-cam", e.getCameraId());
      assertEquals(42, e.getFrameSequence());
      assertEquals(i, e.getFaceIndex());
      assertEquals(2, e.getFaceCount());
      assertEquals(faces.get(i).x1(), e.getBox().getX());
      assertEquals(faces.get(i).width(), e.getBox().getWidth());
      assertEquals(faces.get(i).score(), e.getDetectionScore());
      assertEquals(DetectedFace.LANDMARKS, e.getLandmarks().size());
      assertEquals(faces.get(i).landmarkY(2), e.getLandmarks().get(2).getY());
      assertEquals("door", e.getZone());
      assertEquals("store-1", e.getSiteId());
      assertEquals("stand-in", e.getModelName());
      assertEquals(LABELS, e.getScores().stream().map(LabelScore::getLabel).toList());
    }
    assertEquals("happy", result.events().get(0).getLabel());
    assertEquals("sad", result.events().get(1).getLabel());
    assertEquals(0.7f, result.events().get(1).getScores().get(1).getScore());
  }

  @Test
  void aPredictionLessSureThanTheMinimumConfidenceIsAnAbstentionWithItsScoresKept() {
    GivenPredictions classifier = new GivenPredictions(List.of(new float[] {0.55f, 0.45f}, new float[] {0.9f, 0.1f}));
    FrameResult result = analyzer(new GivenFaces(List.of(face(10, 20, 0.99f), face(90, 30, 0.9f)), List.of()),
        classifier, 0.6).analyze(frame());

    assertEquals(FrameAnalyzer.ABSTAIN, result.events().get(0).getLabel());
    assertEquals(0.55f, result.events().get(0).getScores().get(0).getScore());
    assertEquals("happy", result.events().get(1).getLabel());
  }

  @Test
  void aFrameWithoutFacesIsNotClassified() {
    GivenPredictions classifier = new GivenPredictions(List.of());
    FrameResult result = analyzer(new GivenFaces(List.of(), List.of()), classifier, 0).analyze(frame());

    assertEquals(List.of(), result.events());
    assertEquals(0, classifier.crops);
    assertEquals(IMAGE.width(), result.imageWidth());
  }

  @Test
  void aFrameOverTheByteLimitIsRejectedBeforeAnyDetection() {
    GivenFaces detector = new GivenFaces(List.of(face(10, 20, 0.99f)), List.of());
    FrameAnalyzer small = new FrameAnalyzer(detector, (f, face, spec) -> new Mat(), new GivenPredictions(List.of()),
        new FrameLimits(IMAGE.bytes().length - 1, 1 << 20), Clock.fixed(NOW, ZoneOffset.UTC), 0);

    FrameRejectedException e = assertThrows(FrameRejectedException.class, () -> small.analyze(frame()));
    assertEquals(RejectReason.IMAGE_TOO_LARGE, e.reason());
    assertEquals(0, detector.fullSearches);
  }

  @Test
  void aTrackedSearchThatMissesAnExpectedFaceFallsBackToAFullSearch() {
    List<FaceRegion> expected = List.of(new FaceRegion(10, 20, 50, 60), new FaceRegion(90, 30, 130, 70));
    GivenPredictions classifier = new GivenPredictions(List.of(new float[] {0.8f, 0.2f}, new float[] {0.3f, 0.7f}));
    GivenFaces oneOfTwo = new GivenFaces(List.of(face(10, 20, 0.99f), face(90, 30, 0.9f)),
        List.of(face(10, 20, 0.99f)));
    FrameResult missed = analyzer(oneOfTwo, classifier, 0).analyze(frame(), NOW, expected);
    assertTrue(missed.fullSearch());
    assertEquals(1, oneOfTwo.fullSearches);
    assertEquals(2, missed.events().size());

    GivenFaces both = new GivenFaces(List.of(), List.of(face(10, 20, 0.99f), face(90, 30, 0.9f)));
    FrameResult found = analyzer(both, classifier, 0).analyze(frame(), NOW, expected);
    assertFalse(found.fullSearch());
    assertEquals(0, both.fullSearches);
    assertEquals(2, found.events().size());
  }

  @Test
  void aClassifierThatAnswersForFewerFacesThanItWasGivenIsAnError() {
    GivenPredictions short1 = new GivenPredictions(List.of(new float[] {0.8f, 0.2f}));
    FrameAnalyzer analyzer = analyzer(new GivenFaces(List.of(face(10, 20, 0.99f), face(90, 30, 0.9f)), List.of()),
        short1, 0);

    assertThrows(IllegalStateException.class, () -> analyzer.analyze(frame()));
  }
}
