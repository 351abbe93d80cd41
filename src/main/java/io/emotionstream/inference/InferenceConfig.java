package io.emotionstream.inference;

import io.emotionstream.config.Settings;
import io.emotionstream.torch.Precision;
import java.time.Duration;

/**
 * Settings of the batcher and the worker pool.
 *
 * @param devices {@code auto} (every GPU DJL finds, else CPU workers), {@code cpu}, or
 *     {@code gpu:0,1} (those GPUs); property {@code inference.devices}
 * @param cpuWorkers number of CPU workers when running on the CPU; property {@code inference.cpu.workers}
 * @param cpuThreads intra-op threads shared out among the CPU workers, at least one each
 *     (0 = available processors); property {@code inference.cpu.threads}
 * @param maxBatchSize largest batch; property {@code inference.batch.max-size}
 * @param maxWait how long the first request of a batch waits for more; property
 *     {@code inference.batch.max-wait-ms}
 * @param queueCapacity requests waiting for a batch at most; property {@code inference.queue.capacity}
 * @param enqueueTimeout how long a caller blocks on a full queue before being rejected; property
 *     {@code inference.queue.offer-timeout-ms}
 * @param requestTimeout how long a request may take from submission to result; property
 *     {@code inference.request.timeout-ms}
 * @param precision what the classifier's convolutions compute in on the CPU ({@link Precision});
 *     property {@code inference.precision}; null means {@link Precision#AUTO}, the bundled default
 */
public record InferenceConfig(
    String devices,
    int cpuWorkers,
    int cpuThreads,
    int maxBatchSize,
    Duration maxWait,
    int queueCapacity,
    Duration enqueueTimeout,
    Duration requestTimeout,
    Precision precision) {

  /**
   * The bundled defaults ({@code inference.*} in {@code config/emotion-stream.properties}, where
   * the measurements behind them are noted): one CPU worker with one intra-op thread, batches up to
   * 32 faces, 2 ms wait for a batch to fill, a queue of 1024 faces, 1 s blocking on a full queue,
   * 10 s per request. GPUs (when present) get one worker each regardless.
   */
  public static InferenceConfig defaults() {
    return from(Settings.defaults());
  }

  /** The {@code inference.*} settings; an invalid value is reported with its key and source. */
  public static InferenceConfig from(Settings settings) {
    return new InferenceConfig(
        settings.string("inference.devices"),
        settings.integer("inference.cpu.workers"),
        settings.integer("inference.cpu.threads"),
        settings.integer("inference.batch.max-size"),
        Duration.ofMillis(settings.longValue("inference.batch.max-wait-ms")),
        settings.integer("inference.queue.capacity"),
        Duration.ofMillis(settings.longValue("inference.queue.offer-timeout-ms")),
        Duration.ofMillis(settings.longValue("inference.request.timeout-ms")),
        Precision.parse(settings.string("inference.precision"), "setting 'inference.precision' from "
            + settings.source("inference.precision")));
  }

  public InferenceConfig {
    if (devices == null || devices.isBlank()) {
      devices = "auto";
    }
    if (precision == null) {
      precision = Precision.AUTO; // the bundled default, so a config built in code serves as one read from the file
    }
    if (cpuWorkers < 1 || maxBatchSize < 1 || queueCapacity < 1 || cpuThreads < 0) {
      throw new IllegalArgumentException("inference settings must be positive: cpuWorkers=" + cpuWorkers
          + " maxBatchSize=" + maxBatchSize + " queueCapacity=" + queueCapacity + " cpuThreads=" + cpuThreads);
    }
    if (maxWait.isNegative() || enqueueTimeout.isNegative() || requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("inference timeouts must be positive");
    }
  }

  public InferenceConfig withDevices(String value) {
    return new InferenceConfig(value, cpuWorkers, cpuThreads, maxBatchSize, maxWait, queueCapacity, enqueueTimeout, requestTimeout, precision);
  }

  public InferenceConfig withCpuWorkers(int value) {
    return new InferenceConfig(devices, value, cpuThreads, maxBatchSize, maxWait, queueCapacity, enqueueTimeout, requestTimeout, precision);
  }

  public InferenceConfig withCpuThreads(int value) {
    return new InferenceConfig(devices, cpuWorkers, value, maxBatchSize, maxWait, queueCapacity, enqueueTimeout, requestTimeout, precision);
  }

  public InferenceConfig withMaxBatchSize(int value) {
    return new InferenceConfig(devices, cpuWorkers, cpuThreads, value, maxWait, queueCapacity, enqueueTimeout, requestTimeout, precision);
  }

  public InferenceConfig withPrecision(Precision value) {
    return new InferenceConfig(devices, cpuWorkers, cpuThreads, maxBatchSize, maxWait, queueCapacity, enqueueTimeout, requestTimeout, value);
  }

  public InferenceConfig withMaxWait(Duration value) {
    return new InferenceConfig(devices, cpuWorkers, cpuThreads, maxBatchSize, value, queueCapacity, enqueueTimeout, requestTimeout, precision);
  }
}
