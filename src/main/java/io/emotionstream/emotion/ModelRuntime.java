package io.emotionstream.emotion;

import io.emotionstream.inference.DevicePlan;
import io.emotionstream.inference.DeviceWorkerPool;
import io.emotionstream.inference.DynamicBatcher;
import io.emotionstream.inference.InferenceConfig;
import io.emotionstream.inference.WorkerSlot;
import io.emotionstream.model.ModelArtifact;
import io.emotionstream.torch.Precision;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * One loaded model version: its artifact, crop pre-processing, device worker pool and batcher.
 * Closing it lets queued and running batches finish, then frees the models.
 */
public final class ModelRuntime implements AutoCloseable {

  private final ModelArtifact artifact;
  private final CropPreprocessor preprocessor;
  private final DeviceWorkerPool<float[], float[]> pool;
  private final DynamicBatcher<float[], float[]> batcher;
  private final String computesIn;

  private ModelRuntime(ModelArtifact artifact, DeviceWorkerPool<float[], float[]> pool, InferenceConfig config,
      String computesIn) {
    this.artifact = artifact;
    this.computesIn = computesIn;
    this.preprocessor = new CropPreprocessor(artifact.metadata());
    this.pool = pool;
    this.batcher = new DynamicBatcher<>(config, pool);
  }

  /** Loads the artifact onto every device of {@code config.devices()} and starts the batcher. */
  public static ModelRuntime start(ModelArtifact artifact, InferenceConfig config) {
    List<WorkerSlot> slots = DevicePlan.resolve(config);
    Set<Precision> precisions = ConcurrentHashMap.newKeySet(); // the pool's constructor waits for every worker
    DeviceWorkerPool<float[], float[]> pool = new DeviceWorkerPool<>(slots, slot -> {
      ClassifierWorker worker = new ClassifierWorker(artifact, slot, config.precision());
      precisions.add(worker.computesIn());
      return worker;
    });
    String computesIn = precisions.stream().map(Precision::settingName).sorted().collect(Collectors.joining("+"));
    return new ModelRuntime(artifact, pool, config, computesIn);
  }

  /**
   * What the workers' networks compute in ({@code inference.precision} as the devices and the checks
   * at load resolved it): {@code float32}, {@code bfloat16}, or both joined by {@code +} where the
   * workers differ (a GPU worker beside a CPU worker computing in bfloat16).
   */
  public String computesIn() {
    return computesIn;
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
