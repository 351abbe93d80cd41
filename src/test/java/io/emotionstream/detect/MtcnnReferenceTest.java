package io.emotionstream.detect;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.emotionstream.Assets;
import io.emotionstream.frame.ImageDecoding;
import io.emotionstream.torch.Precision;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Compares {@link MtcnnDetector} with an independent reference MTCNN (facenet-pytorch with the
 * same original weights, default settings). The npm sample photos' reference faces live in a test
 * resource, so that comparison always runs; the shared photos' are parsed from the shared
 * REFERENCE.md and skipped when it is absent, as are the faces at the frame's border (the shared
 * {@code edges/reference_detections.json}: tight crops and frames whose border cuts the face, where
 * the reference's boxes extend past the image).
 *
 * <p>Criteria: every reference face with probability >= 0.9 is found with IoU >= 0.8 and every
 * landmark within 5% of the reference box width; no reported face with score >= 0.95 is absent
 * from the reference.
 */
class MtcnnReferenceTest {

  static final float REQUIRED_PROB = 0.9f;
  static final float MIN_IOU = 0.8f;
  static final float MAX_LANDMARK_ERROR = 0.05f;
  static final float EXTRA_SCORE = 0.95f;

  private static MtcnnDetector detector;
  /** R-Net and O-Net in bfloat16 ({@code detect.precision}), on CPUs that have it: the same faces required. */
  private static MtcnnDetector bfloat16;

  @BeforeAll
  static void start() {
    detector = new MtcnnDetector();
    bfloat16 = new MtcnnDetector(MtcnnConfig.defaults().withPrecision(Precision.BFLOAT16));
  }

  @AfterAll
  static void stop() {
    for (MtcnnDetector d : new MtcnnDetector[] {detector, bfloat16}) {
      if (d != null) {
        d.close();
      }
    }
  }

  /** The detector of a precision; bfloat16 skips where the CPU (or libtorch) does not run it. */
  private static MtcnnDetector detector(String precision) {
    if (precision.equals("bfloat16")) {
      assumeTrue(bfloat16.bfloat16(), "skipped: bfloat16 is not available on this CPU (needs avx512_bf16)");
      return bfloat16;
    }
    return detector;
  }

  @ParameterizedTest
  @ValueSource(strings = {"float32", "bfloat16"})
  void matchesReferenceOnNpmSamplePhotos(String precision) throws Exception {
    MtcnnDetector detector = detector(precision);
    Path demo = Assets.npmPackage("@vladmandic/face-api", "1.7.15").resolve("demo");
    Map<String, List<ReferenceFaces.Face>> reference =
        ReferenceFaces.fromTsv("npm-samples-reference.tsv");
    assertTrue(reference.size() == 6, "six sample photos in the reference resource");
    compare(detector, demo, reference);
  }

  @ParameterizedTest
  @ValueSource(strings = {"float32", "bfloat16"})
  void matchesReferenceOnSharedPhotos(String precision) throws Exception {
    MtcnnDetector detector = detector(precision);
    Path markdown = Path.of("..", "shared", "data", "photos", "REFERENCE.md");
    assumeTrue(Files.isRegularFile(markdown),
        "skipped: " + markdown.toAbsolutePath().normalize() + " is absent (shared data not mounted)");
    Map<String, List<ReferenceFaces.Face>> reference = ReferenceFaces.fromMarkdown(markdown);
    assumeTrue(!reference.isEmpty(), "skipped: no photo listed in " + markdown + " exists");
    compare(detector, markdown.getParent(), reference);
  }

  @ParameterizedTest
  @ValueSource(strings = {"float32", "bfloat16"})
  void matchesReferenceOnFacesAtTheBorder(String precision) throws Exception {
    MtcnnDetector detector = detector(precision);
    Path photos = Path.of("..", "shared", "data", "photos");
    Path json = photos.resolve("edges").resolve("reference_detections.json");
    assumeTrue(Files.isRegularFile(json),
        "skipped: " + json.toAbsolutePath().normalize() + " is absent (shared data not mounted)");
    Map<String, List<ReferenceFaces.Face>> reference = ReferenceFaces.fromJson(json, photos);
    assumeTrue(!reference.isEmpty(), "skipped: no image listed in " + json + " exists");
    compare(detector, photos, reference);
  }

  private static void compare(MtcnnDetector detector, Path dir, Map<String, List<ReferenceFaces.Face>> reference) {
    List<String> failures = new ArrayList<>();
    float worstIou = 1;
    float worstLandmark = 0;
    int required = 0;
    int matched = 0;
    int extra = 0;
    for (var entry : reference.entrySet()) {
      List<DetectedFace> found;
      try (Mat image = ImageDecoding.readBgr(dir.resolve(entry.getKey()))) {
        found = detector.detect(image);
      }
      for (ReferenceFaces.Face ref : entry.getValue()) {
        DetectedFace best = bestMatch(ref.box(), found);
        float iou = best == null ? 0 : iou(ref.box(), best);
        if (ref.prob() < REQUIRED_PROB) {
          continue;
        }
        required++;
        worstIou = Math.min(worstIou, iou);
        if (iou < MIN_IOU) {
          failures.add(entry.getKey() + ": reference face " + java.util.Arrays.toString(ref.box())
              + " found with IoU " + iou + " only (" + best + ")");
          continue;
        }
        matched++;
        float error = landmarkError(ref, best);
        worstLandmark = Math.max(worstLandmark, error);
        if (error > MAX_LANDMARK_ERROR) {
          failures.add(entry.getKey() + ": landmarks of " + best + " off by " + error + " of the box width");
        }
      }
      for (DetectedFace face : found) {
        if (face.score() < EXTRA_SCORE) {
          continue;
        }
        boolean known = entry.getValue().stream().anyMatch(r -> iou(r.box(), face) >= 0.5f);
        if (!known) {
          extra++;
          failures.add(entry.getKey() + ": extra face " + face);
        }
      }
    }
    System.out.printf("reference comparison in %s (%d images, %s): %d of %d faces found with IoU >= %.1f,"
        + " %d extra faces >= %.2f, worst IoU %.4f, worst landmark error %.4f of box width%n",
        dir.getFileName(), reference.size(), detector.bfloat16() ? "bfloat16" : "float32", matched, required, MIN_IOU, extra, EXTRA_SCORE, worstIou, worstLandmark);
    assertFalse(!failures.isEmpty(), String.join("\n", failures));
  }

  private static DetectedFace bestMatch(float[] box, List<DetectedFace> found) {
    DetectedFace best = null;
    float bestIou = 0;
    for (DetectedFace f : found) {
      float iou = iou(box, f);
      if (iou > bestIou) {
        bestIou = iou;
        best = f;
      }
    }
    return best;
  }

  static float iou(float[] b, DetectedFace f) {
    return BoxOps.iou(b[0], b[1], b[2], b[3], f.x1(), f.y1(), f.x2(), f.y2());
  }

  /** Largest landmark distance as a fraction of the reference box width. */
  static float landmarkError(ReferenceFaces.Face ref, DetectedFace face) {
    float width = ref.box()[2] - ref.box()[0];
    float worst = 0;
    for (int i = 0; i < DetectedFace.LANDMARKS; i++) {
      float dx = face.landmarkX(i) - ref.landmarks()[2 * i];
      float dy = face.landmarkY(i) - ref.landmarks()[2 * i + 1];
      worst = Math.max(worst, (float) Math.hypot(dx, dy) / width);
    }
    return worst;
  }
}
