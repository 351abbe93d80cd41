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
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The {@link EmotionClassifier} of the processor: pre-processes crops in the calling thread, sends
 * them through the shared dynamic batcher to the device workers, and waits for its own results.
 *
 * <p>Hot-swap seam: the current model lives in an {@link AtomicReference}. {@link #swap} installs a
 * new {@link ModelRuntime} for new requests and closes the old one, which lets its queued and running
 * batches finish first. A request that meets a runtime closing under it is retried on the new one.
 */
public final class BatchingEmotionClassifier implements EmotionClassifier {

  private final AtomicReference<ModelRuntime> current;

  public BatchingEmotionClassifier(ModelRuntime runtime) {
    this.current = new AtomicReference<>(runtime);
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
    while (true) {
      ModelRuntime runtime = current.get();
      List<float[]> inputs = new ArrayList<>(crops.size());
      for (Mat crop : crops) {
        inputs.add(runtime.preprocessor().toInput(crop));
      }
      List<EmotionPrediction> out = submit(runtime, inputs);
      if (out != null) {
        return out;
      }
    }
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
    while (true) {
      ModelRuntime runtime = current.get();
      CropSpec spec = runtime.artifact().metadata().crop();
      List<float[]> inputs = new ArrayList<>(faces.size());
      for (DetectedFace face : faces) {
        try (Mat crop = cropping.crop(bgrFrame, face, spec)) {
          inputs.add(runtime.preprocessor().toInput(crop));
        }
      }
      List<EmotionPrediction> out = submit(runtime, inputs);
      if (out != null) {
        return out;
      }
    }
  }

  /** The predictions of {@code runtime}, or null when it was swapped out before taking the inputs. */
  private List<EmotionPrediction> submit(ModelRuntime runtime, List<float[]> inputs) {
    List<CompletableFuture<float[]>> futures;
    try {
      futures = runtime.batcher().submitAll(inputs);
    } catch (RejectedExecutionException e) {
      if (current.get() != runtime) {
        return null; // swapped while submitting: use the new model
      }
      throw new EmotionInferenceException("cannot queue " + inputs.size() + " face(s): " + e.getMessage(), e);
    }
    return collect(runtime.artifact().metadata(), futures);
  }

  private static List<EmotionPrediction> collect(ModelMetadata m, List<CompletableFuture<float[]>> futures) {
    List<EmotionPrediction> out = new ArrayList<>(futures.size());
    try {
      for (CompletableFuture<float[]> f : futures) {
        out.add(new EmotionPrediction(m.labels(), f.get(), m.name(), m.version()));
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
