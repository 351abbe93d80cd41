package io.emotionstream.emotion;

import io.emotionstream.inference.DevicePlan;
import io.emotionstream.inference.DeviceWorkerPool;
import io.emotionstream.inference.DynamicBatcher;
import io.emotionstream.inference.InferenceConfig;
import io.emotionstream.inference.WorkerSlot;
import io.emotionstream.model.ModelArtifact;
import java.util.List;

/**
 * One loaded model version: its artifact, crop pre-processing, device worker pool and batcher.
 * Closing it lets queued and running batches finish, then frees the models.
 */
public final class ModelRuntime implements AutoCloseable {

  private final ModelArtifact artifact;
  private final CropPreprocessor preprocessor;
  private final DeviceWorkerPool<float[], float[]> pool;
  private final DynamicBatcher<float[], float[]> batcher;

  private ModelRuntime(ModelArtifact artifact, DeviceWorkerPool<float[], float[]> pool, InferenceConfig config) {
    this.artifact = artifact;
    this.preprocessor = new CropPreprocessor(artifact.metadata());
    this.pool = pool;
    this.batcher = new DynamicBatcher<>(config, pool);
  }

  /** Loads the artifact onto every device of {@code config.devices()} and starts the batcher. */
  public static ModelRuntime start(ModelArtifact artifact, InferenceConfig config) {
    List<WorkerSlot> slots = DevicePlan.resolve(config);
    DeviceWorkerPool<float[], float[]> pool =
        new DeviceWorkerPool<>(slots, slot -> new ClassifierWorker(artifact, slot, config.precision()));
    return new ModelRuntime(artifact, pool, config);
  }

  public ModelArtifact artifact() {
    return artifact;
  }

  public CropPreprocessor preprocessor() {
    return preprocessor;
  }

  public DynamicBatcher<float[], float[]> batcher() {
    return batcher;
  }

  public DeviceWorkerPool<float[], float[]> pool() {
    return pool;
  }

  @Override
  public void close() {
    try (pool; batcher) {
      // batcher first (drains into the pool), then the pool
    }
  }
}
