package io.emotionstream.emotion;

import io.emotionstream.config.Settings;
import io.emotionstream.inference.InferenceConfig;
import io.emotionstream.kafka.TopicReader;
import io.emotionstream.kafka.serde.AvroSerdes;
import io.emotionstream.model.ModelArtifact;
import io.emotionstream.model.ModelArtifactException;
import io.emotionstream.model.ModelMetadata;
import io.emotionstream.model.ModelReleases;
import io.emotionstream.model.ModelStore;
import io.emotionstream.model.ReleaseTarget;
import io.emotionstream.schema.ModelRelease;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the compacted {@code model-releases} topic and keeps the classifier on the version
 * released to its channel ({@code model.channel}), or to the channel's canary when this instance is
 * one of the canary's ({@link ReleaseTarget#selects}), without a restart: the new version is loaded in the background, verified
 * (checksum, name, version, labels, input contract), warmed up on every device worker, then
 * swapped in; in-flight batches finish on the old version, which is closed afterwards. A bad
 * release leaves the current model serving; it is logged, counted and retried with exponential
 * backoff ({@code model.reload.retry-*}), unless it was refused for safety (an artifact outside the
 * store, weights outside the artifact) or a newer release of the model supersedes it.
 */
public final class HotReloader implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(HotReloader.class);

  private final Settings settings;
  private final BatchingEmotionClassifier classifier;
  private final InferenceConfig config;
  private final String channel;
  private final String instanceId;
  private ModelRelease stable;
  private ModelRelease canary;
  private final Counter reloads;
  private final Counter failures;
  private final ModelInfoMetric modelInfo;
  private final Counter attempts;
  private final Counter loopErrors;
  private final MeterRegistry registry;
  private final PendingRelease pending;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile String lastFailure;
  private final List<java.util.function.BiConsumer<String, ModelMetadata>> swapListeners =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  /**
   * @param modelInfo updated after each swap
   */
  public HotReloader(Settings settings, BatchingEmotionClassifier classifier, InferenceConfig config,
      MeterRegistry registry, ModelInfoMetric modelInfo) {
    this.settings = settings;
    this.classifier = classifier;
    this.config = config;
    this.channel = ReleaseTarget.of(settings).channel();
    this.instanceId = ReleaseTarget.instanceId(settings);
    this.reloads = Counter.builder("emotionstream.model.reloads").tag("result", "success")
        .description("model releases swapped in or refused").register(registry);
    this.failures = Counter.builder("emotionstream.model.reloads").tag("result", "failure")
        .description("model releases swapped in or refused").register(registry);
    this.attempts = Counter.builder("emotionstream.model.reload.attempts")
        .description("attempts to load a released model, first tries and retries").register(registry);
    this.loopErrors = Counter.builder("emotionstream.model.reloader.errors")
        .description("unexpected errors of the reloader thread (it goes on)").register(registry);
    this.registry = registry;
    this.pending = new PendingRelease(settings.longValue("model.reload.retry-initial-ms"),
        settings.longValue("model.reload.retry-max-ms"), settings.integer("model.reload.max-attempts"));
    this.modelInfo = modelInfo;
    modelInfo.role(channel, "configured");
    this.thread = new Thread(this::run, "model-reloader");
    thread.setDaemon(true);
  }

  /** Starts following the releases topic. */
  public HotReloader start() {
    ModelReleases.ensureTopic(settings);
    thread.start();
    return this;
  }

  /**
   * Tells {@code listener} about every model swapped in: the version served before, and the
   * metadata of the one served now (the processor audits it).
   */
  public HotReloader onSwap(java.util.function.BiConsumer<String, ModelMetadata> listener) {
    swapListeners.add(listener);
    return this;
  }

  /** The release channel this instance follows. */
  public String channel() {
    return channel;
  }

  /** The name this instance goes by in canaries. */
  public String instanceId() {
    return instanceId;
  }

  /** Version in service now. */
  public String servingVersion() {
    return classifier.runtime().artifact().metadata().version();
  }

  /** Name and version of the model in service now. */
  public String serving() {
    ModelMetadata m = classifier.runtime().artifact().metadata();
    return m.name() + " " + m.version();
  }

  /** Why the last rejected release was rejected, or null. */
  public String lastFailure() {
    return lastFailure;
  }

  private void run() {
    String topic = settings.string("topic.model-releases");
    while (running) {
      try (TopicReader<ModelRelease> releases = new TopicReader<>(settings, topic,
          AvroSerdes.from(settings).serde(ModelRelease.class).deserializer(), TopicReader.Start.BEGINNING)) {
        releases.onUndecodable(e -> fail(null, "undecodable record at " + e.topicPartition() + "@" + e.offset()
            + ": " + e.getMessage()));
        String canaryKey = ReleaseTarget.canaryKey(channel);
        while (running) {
          boolean changed = false;
          for (ConsumerRecord<String, ModelRelease> r : releases.poll(Duration.ofMillis(500))) {
            if (channel.equals(r.key())) {
              stable = r.value();
              changed = true;
            } else if (canaryKey.equals(r.key())) {
              canary = r.value(); // null: a tombstone, the canary ended
              changed = true;
            }
          }
          if (changed) {
            offer(desired());
          }
          applyDue();
        }
      } catch (VirtualMachineError e) {
        loopErrors.increment();
        LOG.error("model reloader stops: the JVM is out of resources; restart the instance", e);
        throw e; // out of memory or a broken JVM: nothing here can be trusted any more
      } catch (Throwable e) { // an Error from a library (linkage, assertion) must not end hot reload silently
        loopErrors.increment();
        if (running) {
          LOG.warn("cannot follow {}: {}; retrying in 5 s", topic, e.toString(), e);
          sleep(5000);
        }
      }
    }
  }

  /** The release this instance must serve: the canary's when it selects this instance, else the channel's. */
  ModelRelease desired() {
    return canary != null && ReleaseTarget.selects(canary, instanceId) ? canary : stable;
  }

  /** A release read from the topic: it replaces any release still waiting for a retry. */
  void offer(ModelRelease release) {
    if (release == null) {
      pending.clear(); // nothing released to this channel (yet): the configured model stays
      return;
    }
    if (servingRelease(release)) {
      pending.clear(); // a rollback to the version in service cancels pending retries
      modelInfo.role(channel, release == canary ? "canary" : "stable");
      return;
    }
    pending.offer(release, System.currentTimeMillis());
  }

  private boolean servingRelease(ModelRelease release) {
    ModelMetadata m = classifier.runtime().artifact().metadata();
    return release.getVersion().equals(m.version()) && release.getModelName().equals(m.name());
  }

  /** Tries the pending release when its attempt is due; schedules the next attempt if it fails. */
  void applyDue() {
    ModelRelease release = pending.due(System.currentTimeMillis());
    if (release == null) {
      return;
    }
    attempts.increment();
    Throwable problem = apply(release);
    if (problem == null) {
      pending.clear();
      return;
    }
    ModelArtifactException m = notWorthRetrying(problem);
    if (m != null) {
      pending.clear();
      Counter.builder("emotionstream.model.releases.refused").tag("reason", m.reason().code())
          .description("model releases refused, not retried: for safety, or corrupt as published")
          .register(registry).increment();
      fail(release, "refused (" + m.reason().code() + "): " + problem.getMessage() + "; not retried");
      return;
    }
    long delay = pending.failed(System.currentTimeMillis());
    fail(release, problem.getMessage() + (delay < 0 ? "; attempts used up, waiting for a new release"
        : "; attempt " + pending.attempts() + ", retrying in " + delay + " ms"));
  }

  /**
   * The artifact problem in {@code problem} or its causes (a device worker wraps what it met while
   * loading) that another attempt cannot mend, or null.
   */
  static ModelArtifactException notWorthRetrying(Throwable problem) {
    for (Throwable t = problem; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ModelArtifactException m && m.reason().refusal()) {
        return m;
      }
    }
    return null;
  }

  /**
   * Loads, checks, warms up and swaps in {@code release}; on any problem keeps the current model.
   *
   * @return null when swapped in (or already serving), else the problem
   */
  private Throwable apply(ModelRelease release) {
    String id = release.getModelName() + " " + release.getVersion() + " (" + release.getChecksum() + ")";
    if (servingRelease(release)) {
      return null;
    }
    long t0 = System.nanoTime();
    LOG.info("loading released model {} from {}", id, release.getArtifactUri());
    ModelRuntime next = null;
    try {
      Path dir = ModelStore.open(settings.string("model.store")).fetch(URI.create(release.getArtifactUri()));
      ModelArtifact artifact = ModelArtifact.open(dir);
      check(release, artifact.metadata());
      next = ModelRuntime.start(artifact, config);
      warmUp(next);
      String before = servingVersion();
      classifier.swap(next);
      reloads.increment();
      modelInfo.role(channel, release == canary ? "canary" : "stable");
      modelInfo.show(next);
      LOG.info("model {} swapped in for {} after {} ms of loading and warm-up, computing in {}", id, before,
          (System.nanoTime() - t0) / 1_000_000, next.computesIn());
      for (var listener : swapListeners) {
        try {
          listener.accept(before, artifact.metadata());
        } catch (RuntimeException e) {
          LOG.error("a listener of model swaps failed", e);
        }
      }
      return null;
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable e) { // e.g. an UnsatisfiedLinkError from a device: the release failed, not the reloader
      if (next != null) {
        next.close();
      }
      return e;
    }
  }

  private static void check(ModelRelease release, ModelMetadata m) {
    List<String> problems = new ArrayList<>();
    if (!m.name().equals(release.getModelName())) {
      problems.add("artifact is model " + m.name() + ", release names " + release.getModelName());
    }
    if (!m.version().equals(release.getVersion())) {
      problems.add("artifact is version " + m.version() + ", release names " + release.getVersion());
    }
    if (!m.weightsSha256().equals(release.getChecksum())) {
      problems.add("weights checksum " + m.weightsSha256() + " differs from the release's " + release.getChecksum());
    }
    if (!release.getLabels().isEmpty() && !release.getLabels().equals(m.labels())) {
      problems.add("labels " + m.labels() + " differ from the release's " + release.getLabels());
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    new CropPreprocessor(m); // the input contract: refuses sizes, channels or normalisation it cannot feed
  }

  /** One batch per worker at once: the pool gives concurrent batches to distinct idle workers. */
  private static void warmUp(ModelRuntime runtime) {
    float[] blank = new float[runtime.preprocessor().inputSize()];
    List<CompletableFuture<List<float[]>>> batches = new ArrayList<>();
    for (int i = 0; i < runtime.pool().size(); i++) {
      batches.add(runtime.pool().execute(List.of(blank)));
    }
    try {
      for (CompletableFuture<List<float[]>> batch : batches) {
        float[] p = batch.get(120, TimeUnit.SECONDS).get(0);
        if (p.length != runtime.artifact().metadata().labels().size()) {
          throw new IllegalArgumentException("network gives " + p.length + " outputs for "
              + runtime.artifact().metadata().labels().size() + " labels");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during warm-up", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("warm-up failed: " + (e.getCause() == null ? e : e.getCause()), e);
    }
  }

  private void fail(ModelRelease release, String why) {
    String what = release == null ? "model release" : "release " + release.getModelName() + " "
        + release.getVersion() + " (" + release.getArtifactUri() + ")";
    lastFailure = what + ": " + why;
    failures.increment();
    LOG.error("rejected {}: {}; still serving {}", what, why, serving());
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Number of successful swaps. */
  public long reloads() {
    return (long) reloads.count();
  }

  @Override
  public void close() {
    running = false;
    try {
      // the loop sees the flag within one poll (0.5 s) and closes its consumer itself; interrupting
      // a Kafka consumer mid-poll makes it log a failed close at ERROR, so interrupt only a thread
      // that is still busy after that (a load, a warm-up, the retry pause)
      thread.join(2_000);
      if (thread.isAlive()) {
        thread.interrupt();
      }
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
