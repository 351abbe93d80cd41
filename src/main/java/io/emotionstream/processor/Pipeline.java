package io.emotionstream.processor;

import io.emotionstream.analysis.FrameAnalyzer;
import io.emotionstream.analysis.FrameLimits;
import io.emotionstream.config.Settings;
import io.emotionstream.detect.FaceDetectors;
import io.emotionstream.detect.MtcnnDetector;
import io.emotionstream.detect.StageClock;
import io.emotionstream.emotion.BatchingEmotionClassifier;
import io.emotionstream.emotion.EmotionClassifiers;
import io.emotionstream.emotion.EmotionModels;
import io.emotionstream.emotion.HotReloader;
import io.emotionstream.emotion.ModelInfoMetric;
import io.emotionstream.emotion.TestTimeAugmentation;
import io.emotionstream.frame.FaceCropper;
import io.emotionstream.inference.InferenceConfig;
import io.emotionstream.model.ModelMetadata;
import io.emotionstream.torch.NativeTorch;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real detector (MTCNN), cropper and emotion classifier (dynamic batcher over the device
 * worker pool), wired from the settings into a {@link FrameAnalyzer}, with the inference metrics
 * and the hot reloader of its classifier. {@link ProcessorInstance} owns one; tests that drive
 * several streams processors over one loaded model use it directly.
 */
public final class Pipeline implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

  private final MtcnnDetector detector;
  private final BatchingEmotionClassifier classifier;
  private final FrameAnalyzer analyzer;
  private final InferenceConfig inferenceConfig;
  private final ModelInfoMetric modelInfo;
  private HotReloader reloader;

  private Pipeline(MtcnnDetector detector, Settings settings, BatchingEmotionClassifier classifier,
      FrameLimits limits, InferenceConfig inferenceConfig, MeterRegistry registry, double minConfidence) {
    this.detector = detector;
    this.classifier = classifier;
    this.inferenceConfig = inferenceConfig;
    this.modelInfo = new ModelInfoMetric(registry);
    modelInfo.show(classifier.runtime());
    Gauge.builder("emotionstream.inference.queue.depth", classifier, c -> c.runtime().batcher().queued())
        .description("faces waiting for a batch").register(registry);
    // counters of the model in service; they start again from zero after a hot reload
    FunctionCounter.builder("emotionstream.inference.batches", classifier, c -> c.runtime().batcher().stats().batches())
        .description("batches sent to the device workers").register(registry);
    FunctionCounter.builder("emotionstream.inference.batched.faces", classifier,
        c -> c.runtime().batcher().stats().batchedRequests()).description("network inputs sent in those batches: faces times the passes of inference.tta")
        .register(registry);
    Gauge.builder("emotionstream.inference.batch.size.mean", classifier,
        c -> c.runtime().batcher().stats().meanBatchSize()).description("mean network inputs per batch").register(registry);
    Gauge.builder("emotionstream.inference.batch.size.max", classifier,
        c -> c.runtime().batcher().stats().largestBatch()).description("largest batch so far").register(registry);
    this.analyzer = new FrameAnalyzer(FaceDetectors.bounded(detector, settings), new FaceCropper()::crop,
        classifier, limits, Clock.systemUTC(), minConfidence);
  }

  public static Pipeline open(Settings settings) {
    return open(settings, new SimpleMeterRegistry());
  }

  /** Loads the detector and the model named by {@code model.dir}. */
  public static Pipeline open(Settings settings, MeterRegistry registry) {
    long t0 = System.nanoTime();
    int cores = settings.cores();
    String intraOp = NativeTorch.boundIntraOpThreads(cores);
    int detectWorkers = settings.threads("detect.workers");
    MtcnnDetector detector = FaceDetectors.mtcnn(settings);
    LOG.info("threads for {} cores (cpu.cores={} from {}): {} stream threads, {} detection workers, libtorch intra-op {}",
        cores, settings.string("cpu.cores", "auto"), settings.source("cpu.cores"), settings.threads("stream.threads"),
        detectWorkers, intraOp);
    try {
      double minConfidence = minConfidence(settings);
      String dir = settings.string("model.dir", "");
      InferenceConfig inference = InferenceConfig.from(settings);
      TestTimeAugmentation tta = settings.enumValue("inference.tta", TestTimeAugmentation.class);
      BatchingEmotionClassifier classifier = EmotionClassifiers.open(EmotionModels.resolve(dir), inference, tta);
      Pipeline pipeline = new Pipeline(detector, settings, classifier,
          FrameLimits.from(settings), inference, registry, minConfidence);
      LOG.info("pipeline ready in {} ms: MTCNN (min face {} px) + {}, test-time augmentation {} ({} pass(es) per face)",
          (System.nanoTime() - t0) / 1_000_000, detector.config().minFaceSize(), pipeline.modelInService(),
          tta.configName(), tta.passes());
      return pipeline;
    } catch (RuntimeException e) {
      detector.close();
      throw e;
    }
  }

  /** {@code emotion.min-confidence}: below it an event's label is an abstention. */
  private static double minConfidence(Settings settings) {
    double v = settings.decimal("emotion.min-confidence");
    if (!(v >= 0 && v <= 1)) {
      throw new IllegalArgumentException("setting 'emotion.min-confidence' = " + v + " from "
          + settings.source("emotion.min-confidence") + " must lie between 0 and 1");
    }
    return v;
  }

  public FrameAnalyzer analyzer() {
    return analyzer;
  }

  /**
   * Follows the model releases topic when {@code model.hot-reload} is on (the default), so that a
   * released version replaces the model in service without a restart.
   *
   * @return the reloader, or null when hot reload is off
   */
  public HotReloader startHotReload(Settings settings, MeterRegistry registry) {
    if (reloader == null && settings.bool("model.hot-reload")) {
      reloader = new HotReloader(settings, classifier, inferenceConfig, registry, modelInfo).start();
      LOG.info("following {} for releases to channel {} (and its canary; this instance: {})",
          settings.string("topic.model-releases"), reloader.channel(), reloader.instanceId());
    }
    return reloader;
  }

  /**
   * Where the detector's time goes from now on, summed into {@code clock} (null: timing off, the
   * default); for {@code bench stream --stages}.
   */
  public void profileDetection(StageClock clock) {
    detector.profileStages(clock);
  }

  /** The labels of the model in service, in output order. */
  public java.util.List<String> labels() {
    return java.util.List.copyOf(classifier.runtime().artifact().metadata().labels());
  }

  /** Name and version of the model in service. */
  public String modelInService() {
    ModelMetadata m = classifier.runtime().artifact().metadata();
    return m.name() + " " + m.version();
  }

  @Override
  public void close() {
    try (detector; classifier; HotReloader r = reloader) {
      // closed in reverse order (reloader, classifier, detector), each even if another fails
    }
  }
}
