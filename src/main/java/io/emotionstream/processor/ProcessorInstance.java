package io.emotionstream.processor;

import io.emotionstream.analysis.FrameAnalyzer;
import io.emotionstream.config.Settings;
import io.emotionstream.emotion.HotReloader;
import io.emotionstream.ops.Operations;
import io.emotionstream.stream.EmotionStreams;
import io.emotionstream.stream.FrameStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifecycle of one processor instance, as {@code process} and {@code demo} run it: the
 * operations server first (so that probes answer "not ready" while the model loads), then the
 * pipeline and the Kafka Streams processor with the status wired to them, then on {@link #start()}
 * hot reload, the streams and the dashboard's event feed. {@link #close()} closes them in reverse
 * order, also after a failed start.
 *
 * <pre>{@code
 * try (ProcessorInstance instance = ProcessorInstance.open(settings, true)) {
 *   instance.start();
 *   instance.processor().awaitStop();
 * }
 * }</pre>
 */
public final class ProcessorInstance implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ProcessorInstance.class);

  private final Settings settings;
  private final Operations ops;
  private Pipeline pipeline;
  private EmotionStreams processor;
  private HotReloader reloader;
  private ProcessorAudit audit;

  private ProcessorInstance(Settings settings, Operations ops) {
    this.settings = settings;
    this.ops = ops;
  }

  /**
   * Starts only the operations server ({@code ops.port}); readiness says "model not loaded" until
   * {@link #load()}.
   *
   * @param withFeed whether the dashboard follows the events topic (from {@link #start()} on)
   */
  public static ProcessorInstance create(Settings settings, boolean withFeed) {
    return new ProcessorInstance(settings, Operations.start(settings, withFeed));
  }

  /** {@link #create} and {@link #load()}: the instance ready to {@link #start()}. */
  public static ProcessorInstance open(Settings settings, boolean withFeed) {
    ProcessorInstance instance = create(settings, withFeed);
    try {
      return instance.load();
    } catch (RuntimeException e) {
      instance.close();
      throw e;
    }
  }

  /** Loads the detector and the model and builds the (not yet started) streams processor. */
  public ProcessorInstance load() {
    if (pipeline != null) {
      throw new IllegalStateException("the pipeline is already loaded");
    }
    pipeline = Pipeline.open(settings, ops.registry());
    processor = new EmotionStreams(settings, pipeline.analyzer(), ops.registry());
    ops.status().model(pipeline::modelInService);
    ops.status().labels(pipeline::labels);
    ops.status().processor(processor);
    return this;
  }

  /**
   * Records the start with the effective policy in the audit trail (a start that cannot be audited
   * fails), follows model releases (when {@code model.hot-reload} is on), starts the streams
   * (creating missing topics when {@code topics.create} is on) and the dashboard's event feed. From
   * here on, every change of the camera file and every model swapped in is audited.
   */
  public ProcessorInstance start() {
    if (pipeline == null) {
      load();
    }
    if (settings.string("notice.contact", "").isBlank()
        && processor.cameraPolicies().get().all().stream().anyMatch(io.emotionstream.policy.CameraPolicy::analysed)) {
      LOG.warn("notice.contact is empty: the notice page (/notice) cannot tell the people filmed whom to ask"
          + " (EU AI Act Art. 50(3), GDPR Art. 13); set notice.controller and notice.contact");
    }
    audit = ProcessorAudit.open(settings);
    audit.started(processor.cameraPolicies().get(), pipeline.modelInService());
    processor.cameraPolicies().addListener(audit);
    reloader = pipeline.startHotReload(settings, ops.registry());
    if (reloader != null) {
      reloader.onSwap(audit::modelSwapped);
    }
    processor.start();
    ops.startFeed();
    LOG.info("processing {} -> {} on {}", settings.string("topic.frames"), settings.string("topic.events"),
        settings.string("bootstrap.servers"));
    return this;
  }

  public Operations operations() {
    return ops;
  }

  public EmotionStreams processor() {
    return processor;
  }

  public FrameAnalyzer analyzer() {
    return pipeline.analyzer();
  }

  public FrameStats stats() {
    return processor.stats();
  }

  /** The hot reloader, or null before {@link #start()} or when {@code model.hot-reload} is off. */
  public HotReloader reloader() {
    return reloader;
  }

  /** Name and version of the model in service, or null before {@link #load()}. */
  public String modelInService() {
    return pipeline == null ? null : pipeline.modelInService();
  }

  /**
   * Closes the streams, records the stop in the audit trail, then closes the pipeline (hot reload,
   * classifier, detector) and the operations server.
   */
  @Override
  public void close() {
    try (ops; Pipeline p = pipeline; ProcessorAudit a = audit) {
      if (processor != null) {
        processor.close();
        if (a != null) {
          a.stopped(processor.cameraPolicies(), modelInService());
        }
      }
    }
  }
}
