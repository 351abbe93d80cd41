package io.emotionstream.emotion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.detect.DetectedFace;
import io.emotionstream.frame.CropSpec;
import io.emotionstream.frame.FaceCropper;
import io.emotionstream.frame.FaceCropping;
import io.emotionstream.inference.InferenceConfig;
import io.emotionstream.model.ModelArtifact;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Around a hot swap, every face is framed by the crop spec of the model that classifies it: two
 * small untrained models with different crop templates (48 px and 64 px) are swapped while faces
 * are classified, and each prediction's model is checked against the crops made for it.
 */
class CropSnapshotTest {

  private static final List<String> LABELS = List.of("happy", "sad", "neutral");
  private static final InferenceConfig ONE_CPU_WORKER = InferenceConfig.defaults().withDevices("cpu");

  @TempDir
  static Path tmp;
  private static ModelArtifact small;
  private static ModelArtifact large;

  @BeforeAll
  static void models() {
    small = UntrainedModels.resnet18(tmp.resolve("a"), 48, LABELS);
    large = UntrainedModels.resnet18(tmp.resolve("b"), 64, LABELS);
  }

  private static DetectedFace face(int x) {
    float[] lm = {x + 30, 40, x + 70, 40, x + 50, 60, x + 35, 80, x + 65, 80};
    return new DetectedFace(x, 10, x + 100, 110, 0.99f, lm);
  }

  /** Cuts with {@link FaceCropper}, remembering the crop widths of the last attempt of the calling thread. */
  private static final class RecordingCropper implements FaceCropping {
    private final FaceCropper cropper = new FaceCropper();
    private final ThreadLocal<List<Integer>> widths = ThreadLocal.withInitial(ArrayList::new);
    private final ThreadLocal<Integer> faceInAttempt = ThreadLocal.withInitial(() -> 0);
    private final int faces;
    private volatile Runnable beforeFirstCrop = () -> { };

    RecordingCropper(int faces) {
      this.faces = faces;
    }

    @Override
    public Mat crop(Mat bgrFrame, DetectedFace face, CropSpec spec) {
      if (faceInAttempt.get() % faces == 0) {
        widths.get().clear(); // a new attempt (the first, or a retry after a swap)
      }
      faceInAttempt.set(faceInAttempt.get() + 1);
      Runnable hook = beforeFirstCrop;
      beforeFirstCrop = () -> { };
      hook.run();
      Mat crop = cropper.crop(bgrFrame, face, spec);
      widths.get().add(crop.cols());
      return crop;
    }

    List<Integer> lastAttempt() {
      faceInAttempt.set(0);
      return List.copyOf(widths.get());
    }
  }

  @Test
  void aSwapBetweenCroppingAndClassifyingReframesTheFacesForTheNewModel() {
    List<DetectedFace> faces = List.of(face(0), face(100));
    try (Mat frame = new Mat(140, 220, opencv_core.CV_8UC3, new Scalar(90, 120, 150, 0));
        BatchingEmotionClassifier classifier = new BatchingEmotionClassifier(ModelRuntime.start(small, ONE_CPU_WORKER))) {
      RecordingCropper cropper = new RecordingCropper(faces.size());
      cropper.beforeFirstCrop = () -> classifier.swap(ModelRuntime.start(large, ONE_CPU_WORKER));
      List<EmotionPrediction> predictions = classifier.classify(frame, faces, cropper);
      assertEquals(2, predictions.size());
      for (EmotionPrediction p : predictions) {
        assertEquals(large.metadata().name(), p.modelName(), "the model in service after the swap classifies");
      }
      assertEquals(List.of(64, 64), cropper.lastAttempt(), "faces framed for the model that classified them");
    }
  }

  @Test
  void everyPredictionMatchesItsCropsWhileModelsSwapMidStream() throws Exception {
    Map<String, Integer> widthOf = Map.of(small.metadata().name(), 48, large.metadata().name(), 64);
    List<DetectedFace> faces = List.of(face(0), face(100));
    RecordingCropper cropper = new RecordingCropper(faces.size());
    AtomicBoolean swapping = new AtomicBoolean(true);
    try (Mat frame = new Mat(140, 220, opencv_core.CV_8UC3, new Scalar(90, 120, 150, 0));
        BatchingEmotionClassifier classifier = new BatchingEmotionClassifier(ModelRuntime.start(small, ONE_CPU_WORKER))) {
      ExecutorService callers = Executors.newFixedThreadPool(2);
      List<Future<List<String>>> results = new ArrayList<>();
      for (int c = 0; c < 2; c++) {
        results.add(callers.submit(() -> {
          List<String> seen = new ArrayList<>();
          while (swapping.get()) {
            List<EmotionPrediction> p = classifier.classify(frame, faces, cropper);
            List<Integer> widths = cropper.lastAttempt();
            for (EmotionPrediction prediction : p) {
              assertEquals(List.of(widthOf.get(prediction.modelName()), widthOf.get(prediction.modelName())), widths,
                  "crops of a prediction by " + prediction.modelName());
            }
            seen.add(p.get(0).modelName());
          }
          return seen;
        }));
      }
      for (int swap = 0; swap < 4; swap++) {
        Thread.sleep(150);
        classifier.swap(ModelRuntime.start(swap % 2 == 0 ? large : small, ONE_CPU_WORKER));
      }
      Thread.sleep(150);
      swapping.set(false);
      List<String> models = new ArrayList<>();
      for (Future<List<String>> f : results) {
        models.addAll(f.get(120, TimeUnit.SECONDS));
      }
      callers.shutdown();
      assertTrue(models.containsAll(widthOf.keySet()), "both models served: " + models.size() + " calls");
    }
  }
}
