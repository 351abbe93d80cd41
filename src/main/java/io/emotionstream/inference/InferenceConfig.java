package io.emotionstream.inference;

import java.time.Duration;
import java.util.Properties;

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
 */
public record InferenceConfig(
    String devices,
    int cpuWorkers,
    int cpuThreads,
    int maxBatchSize,
    Duration maxWait,
    int queueCapacity,
    Duration enqueueTimeout,
    Duration requestTimeout) {

  /**
   * Defaults chosen from the inference bench on a shared 2-core CPU: one CPU worker with one
   * intra-op thread. A worker with two intra-op threads collapsed to ~1 image/s whenever other
   * processes kept the cores busy (OpenMP threads spin at barriers while their partner is
   * descheduled), and the processor always shares its cores with detection and stream threads; one
   * worker also gets the largest batches (8 callers: mean batch 6, 4.5x the faces/s of unbatched
   * calls with ResNet-18 at 48 px; two workers split them into batches of ~4). On a dedicated
   * many-core machine raise {@code inference.cpu.workers} and {@code inference.cpu.threads}.
   * Batches up to 32 faces, 2 ms wait for a batch to fill, a queue of 1024 faces, 1 s blocking on
   * a full queue, 10 s per request. GPUs (when present) get one worker each regardless.
   */
  public static InferenceConfig defaults() {
    return new InferenceConfig("auto", 1, 1, 32, Duration.ofMillis(2), 1024,
        Duration.ofSeconds(1), Duration.ofSeconds(10));
  }

  public InferenceConfig {
    if (devices == null || devices.isBlank()) {
      devices = "auto";
    }
    if (cpuWorkers < 1 || maxBatchSize < 1 || queueCapacity < 1 || cpuThreads < 0) {
      throw new IllegalArgumentException("inference settings must be positive: cpuWorkers=" + cpuWorkers
          + " maxBatchSize=" + maxBatchSize + " queueCapacity=" + queueCapacity + " cpuThreads=" + cpuThreads);
    }
    if (maxWait.isNegative() || enqueueTimeout.isNegative() || requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("inference timeouts must be positive");
    }
  }

  /** Defaults overridden by the {@code inference.*} properties present in {@code p}. */
  public static InferenceConfig fromProperties(Properties p) {
    InferenceConfig d = defaults();
    return new InferenceConfig(
        p.getProperty("inference.devices", d.devices),
        intProp(p, "inference.cpu.workers", d.cpuWorkers),
        intProp(p, "inference.cpu.threads", d.cpuThreads),
        intProp(p, "inference.batch.max-size", d.maxBatchSize),
        Duration.ofMillis(intProp(p, "inference.batch.max-wait-ms", (int) d.maxWait.toMillis())),
        intProp(p, "inference.queue.capacity", d.queueCapacity),
        Duration.ofMillis(intProp(p, "inference.queue.offer-timeout-ms", (int) d.enqueueTimeout.toMillis())),
        Duration.ofMillis(intProp(p, "inference.request.timeout-ms", (int) d.requestTimeout.toMillis())));
  }

  private static int intProp(Properties p, String key, int fallback) {
    String v = p.getProperty(key);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("property " + key + " must be an integer: '" + v + "'", e);
    }
  }

  public InferenceConfig withDevices(String value) {
    return new InferenceConfig(value, cpuWorkers, cpuThreads, maxBatchSize, maxWait, queueCapacity, enqueueTimeout, requestTimeout);
  }

  public InferenceConfig withCpuWorkers(int value) {
    return new InferenceConfig(devices, value, cpuThreads, maxBatchSize, maxWait, queueCapacity, enqueueTimeout, requestTimeout);
  }

  public InferenceConfig withCpuThreads(int value) {
    return new InferenceConfig(devices, cpuWorkers, value, maxBatchSize, maxWait, queueCapacity, enqueueTimeout, requestTimeout);
  }

  public InferenceConfig withMaxBatchSize(int value) {
    return new InferenceConfig(devices, cpuWorkers, cpuThreads, value, maxWait, queueCapacity, enqueueTimeout, requestTimeout);
  }

  public InferenceConfig withMaxWait(Duration value) {
    return new InferenceConfig(devices, cpuWorkers, cpuThreads, maxBatchSize, value, queueCapacity, enqueueTimeout, requestTimeout);
  }

  public InferenceConfig withQueueCapacity(int value) {
    return new InferenceConfig(devices, cpuWorkers, cpuThreads, maxBatchSize, maxWait, value, enqueueTimeout, requestTimeout);
  }

  public InferenceConfig withEnqueueTimeout(Duration value) {
    return new InferenceConfig(devices, cpuWorkers, cpuThreads, maxBatchSize, maxWait, queueCapacity, value, requestTimeout);
  }

  public InferenceConfig withRequestTimeout(Duration value) {
    return new InferenceConfig(devices, cpuWorkers, cpuThreads, maxBatchSize, maxWait, queueCapacity, enqueueTimeout, value);
  }
}
