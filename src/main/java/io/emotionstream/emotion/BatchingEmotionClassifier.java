package io.emotionstream.emotion;

import io.emotionstream.detect.DetectedFace;
import io.emotionstream.frame.CropSpec;
import io.emotionstream.frame.FaceCropping;
import io.emotionstream.model.ModelMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The {@link EmotionClassifier} of the processor: pre-processes crops in the calling thread, sends
 * them through the shared dynamic batcher to the device workers, and waits for its own results.
 *
 * <p>Hot-swap seam: the current model lives in an {@link AtomicReference}. {@link #swap} installs a
 * new {@link ModelRuntime} for new requests and closes the old one, which lets its queued and running
 * batches finish first. A request that meets a runtime closing under it is retried on the new one.
 *
 * <p>Test-time augmentation ({@code inference.tta}): each face goes through the batcher once per
 * view of {@link TestTimeAugmentation} and its probabilities are averaged over the views; the
 * views of all faces share the batches.
 */
public final class BatchingEmotionClassifier implements EmotionClassifier {

  private final AtomicReference<ModelRuntime> current;
  private final TestTimeAugmentation tta;

  public BatchingEmotionClassifier(ModelRuntime runtime) {
    this(runtime, TestTimeAugmentation.NONE);
  }

  public BatchingEmotionClassifier(ModelRuntime runtime, TestTimeAugmentation tta) {
    this.current = new AtomicReference<>(runtime);
    this.tta = tta;
  }

  /** The model serving new requests. */
  public ModelRuntime runtime() {
    return current.get();
  }

  /** Installs {@code next} and closes the previous model after its in-flight batches finish. */
  public void swap(ModelRuntime next) {
    ModelRuntime old = current.getAndSet(next);
    if (old != null && old != next) {
      old.close();
    }
  }

  @Override
  public CropSpec cropSpec() {
    return current.get().artifact().metadata().crop();
  }

  @Override
  public List<EmotionPrediction> classify(List<Mat> crops) {
    if (crops.isEmpty()) {
      return List.of();
    }
    return onOneModel(runtime -> {
      List<float[]> inputs = new ArrayList<>(crops.size());
      for (Mat crop : crops) {
        inputs.add(runtime.preprocessor().toInput(crop));
      }
      return inputs;
    });
  }

  /**
   * Crop spec, pre-processing and inference all from one runtime snapshot: when a swap closes the
   * snapshot before its batch is queued, the faces are cut again for the new model.
   */
  @Override
  public List<EmotionPrediction> classify(Mat bgrFrame, List<DetectedFace> faces, FaceCropping cropping) {
    if (faces.isEmpty()) {
      return List.of();
    }
    return onOneModel(runtime -> {
      CropSpec spec = runtime.artifact().metadata().crop();
      List<float[]> inputs = new ArrayList<>(faces.size());
      for (DetectedFace face : faces) {
        try (Mat crop = cropping.crop(bgrFrame, face, spec)) {
          inputs.add(runtime.preprocessor().toInput(crop));
        }
      }
      return inputs;
    });
  }

  /**
   * The one classify path: the inputs made for the model in service and classified by it; made
   * again for the new model when a swap closed the old one before it took them.
   */
  private List<EmotionPrediction> onOneModel(Function<ModelRuntime, List<float[]>> inputsFor) {
    while (true) {
      ModelRuntime runtime = current.get();
      List<EmotionPrediction> out = submit(runtime, inputsFor.apply(runtime));
      if (out != null) {
        return out;
      }
    }
  }

  /** The predictions of {@code runtime}, or null when it was swapped out before taking the inputs. */
  private List<EmotionPrediction> submit(ModelRuntime runtime, List<float[]> faces) {
    List<float[]> inputs = views(runtime, faces);
    List<CompletableFuture<float[]>> futures;
    try {
      futures = runtime.batcher().submitAll(inputs);
    } catch (RejectedExecutionException e) {
      if (current.get() != runtime) {
        return null; // swapped while submitting: use the new model
      }
      throw new EmotionInferenceException("cannot queue " + inputs.size() + " face(s): " + e.getMessage(), e);
    }
    return collect(runtime.artifact().metadata(), futures, tta.passes());
  }

  /** Each face's views, face after face (the face itself where a view changes nothing). */
  private List<float[]> views(ModelRuntime runtime, List<float[]> faces) {
    List<TestTimeAugmentation.View> views = tta.views();
    if (views.size() == 1) {
      return faces;
    }
    ModelMetadata m = runtime.artifact().metadata();
    int channels = m.colour() == io.emotionstream.model.Colour.GREY ? 1 : 3;
    List<float[]> out = new ArrayList<>(faces.size() * views.size());
    for (float[] face : faces) {
      for (TestTimeAugmentation.View v : views) {
        boolean identity = v.zoom() == 1 && v.shiftX() == 0 && v.shiftY() == 0 && !v.flip();
        out.add(identity ? face : TestTimeAugmentation.render(face, channels, m.inputWidth(), v));
      }
    }
    return out;
  }

  /** One prediction per {@code passes} consecutive results: their probabilities averaged. */
  private static List<EmotionPrediction> collect(ModelMetadata m, List<CompletableFuture<float[]>> futures,
      int passes) {
    List<EmotionPrediction> out = new ArrayList<>(futures.size() / passes);
    try {
      for (int i = 0; i < futures.size(); i += passes) {
        float[] mean = futures.get(i).get().clone();
        for (int v = 1; v < passes; v++) {
          float[] p = futures.get(i + v).get();
          for (int c = 0; c < mean.length; c++) {
            mean[c] += p[c];
          }
        }
        if (passes > 1) {
          for (int c = 0; c < mean.length; c++) {
            mean[c] /= passes;
          }
        }
        out.add(new EmotionPrediction(m.labels(), mean, m.name(), m.version()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      futures.forEach(f -> f.cancel(false));
      throw new EmotionInferenceException("interrupted while waiting for emotion results", e);
    } catch (ExecutionException | CompletionException e) {
      futures.forEach(f -> f.cancel(false));
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new EmotionInferenceException("emotion inference failed: " + cause, cause);
    }
    return out;
  }

  @Override
  public void close() {
    ModelRuntime runtime = current.getAndSet(null);
    if (runtime != null) {
      runtime.close();
    }
  }
}
