package io.emotionstream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.emotionstream.emotion.BatchingEmotionClassifier;
import io.emotionstream.emotion.ClassifierWorker;
import io.emotionstream.emotion.CropPreprocessor;
import io.emotionstream.emotion.EmotionClassifiers;
import io.emotionstream.emotion.FaceApiExpressionModel;
import io.emotionstream.emotion.ModelRuntime;
import io.emotionstream.emotion.TestTimeAugmentation;
import io.emotionstream.emotion.UntrainedModels;
import io.emotionstream.inference.DevicePlan;
import io.emotionstream.inference.InferenceConfig;
import io.emotionstream.inference.WorkerSlot;
import io.emotionstream.torch.Precision;
import io.emotionstream.model.ModelArtifact;
import io.emotionstream.stats.Median;
import io.emotionstream.torch.OperatorProfile;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Measures emotion inference and prints JSON: (1) classifier images/s at fixed batch sizes for each
 * model, straight on one device worker; (2) faces/s and per-call latency of the dynamic batcher with
 * 1, 4 and 8 concurrent callers sending one face per call, against the same callers with batching
 * off (batch size 1, same worker), and their ratio. Every figure is the median of the repeats.
 */
@Command(name = "inference", mixinStandardHelpOptions = true,
    description = "Benchmark emotion inference: images/s per batch size and dynamic batcher vs unbatched calls.")
public final class BenchInferenceCommand implements Callable<Integer> {

  @Option(names = "--models", split = ",", defaultValue = "faceapi,resnet18-48,resnet18-64",
      description = "models to measure: faceapi, default (the bundled model), resnet18-SIZE (untrained), or an artifact directory (default: ${DEFAULT-VALUE})")
  List<String> models;

  @Option(names = "--batch-sizes", split = ",", defaultValue = "1,8,32,64", description = "(default: ${DEFAULT-VALUE})")
  List<Integer> batchSizes;

  @Option(names = "--callers", split = ",", defaultValue = "1,4,8", description = "concurrent callers (default: ${DEFAULT-VALUE})")
  List<Integer> callers;

  @Option(names = "--precision", paramLabel = "float32|bfloat16|auto", defaultValue = "float32",
      description = "what the classifiers compute in, as inference.precision (default: ${DEFAULT-VALUE})")
  String precision;

  @Option(names = "--faces-per-call", defaultValue = "1",
      description = "faces each call classifies at once, like the faces of one frame (default: ${DEFAULT-VALUE}); "
          + "unbatched, each face is still its own inference")
  int facesPerCall;

  @Option(names = "--batcher-models", split = ",", defaultValue = "faceapi",
      description = "models for the batcher comparison (default: ${DEFAULT-VALUE})")
  List<String> batcherModels;

  @Option(names = "--seconds", defaultValue = "2", description = "seconds per measurement (default: ${DEFAULT-VALUE})")
  double seconds;

  @Option(names = "--repeats", defaultValue = "3", description = "measurements per figure; the median is reported (default: ${DEFAULT-VALUE})")
  int repeats;

  @Option(names = "--max-batch", defaultValue = "32", description = "batcher max batch size (default: ${DEFAULT-VALUE})")
  int maxBatch;

  @Option(names = "--max-wait-ms", defaultValue = "2", description = "batcher max wait (default: ${DEFAULT-VALUE})")
  int maxWaitMs;

  @Option(names = "--devices", defaultValue = "auto", description = "inference.devices (default: ${DEFAULT-VALUE})")
  String devices;

  @Option(names = "--cpu-workers", defaultValue = "1", description = "CPU workers (default: ${DEFAULT-VALUE})")
  int cpuWorkers;

  @Option(names = "--cpu-threads", defaultValue = "1",
      description = "intra-op threads shared by the CPU workers, 0 = all cores (default: ${DEFAULT-VALUE})")
  int cpuThreads;

  @Option(names = "--tta", split = ",", paramLabel = "none|flip|ten-crop",
      description = {"also measure the classify() path of the --tta-model with these test-time augmentations",
          "(faces/s and ms per face, one caller, batcher on; default: none measured)"})
  List<String> ttas = new ArrayList<>();

  @Option(names = "--tta-model", defaultValue = "default",
      description = "model for the --tta measurement (default: ${DEFAULT-VALUE})")
  String ttaModel;

  @Option(names = "--profile", paramLabel = "PREFIX", description = "after the timed runs of each model and batch "
      + "size, run --profile-calls more under libtorch's profiler and write PREFIX-MODEL-bSIZE.json (a Chrome trace; "
      + "scripts/profile-summary.py sums it per operator)")
  String profile;

  @Option(names = "--profile-calls", defaultValue = "50", paramLabel = "N",
      description = "classifier calls per profile (default: ${DEFAULT-VALUE})")
  int profileCalls;

  private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Override
  public Integer call() throws Exception {
    Path scratch = Files.createTempDirectory("bench-models");
    ObjectNode out = json.createObjectNode();
    ObjectNode env = out.putObject("environment");
    env.put("cpus", Runtime.getRuntime().availableProcessors());
    env.put("ld_preload", String.valueOf(System.getenv("LD_PRELOAD")));
    env.put("malloc_conf", String.valueOf(System.getenv("MALLOC_CONF")));
    env.put("seconds_per_measurement", seconds);
    env.put("repeats", repeats);
    env.put("statistic", "median");
    env.put("cpu_workers", cpuWorkers);
    env.put("cpu_threads", cpuThreads == 0 ? Runtime.getRuntime().availableProcessors() : cpuThreads);
    env.put("load_average_at_start", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    InferenceConfig base = InferenceConfig.defaults().withDevices(devices).withCpuWorkers(cpuWorkers)
        .withCpuThreads(cpuThreads).withPrecision(Precision.parse(precision, "--precision"));
    env.put("precision", base.precision().settingName());

    // (1) one device worker (its own predictor), fixed batches, pre-processing excluded
    ObjectNode throughput = out.putObject("classifier_images_per_second");
    for (String name : models) {
      ModelArtifact artifact = artifact(name, scratch);
      ObjectNode row = throughput.putObject(name);
      row.put("input", artifact.metadata().inputWidth() + "x" + artifact.metadata().inputHeight()
          + "x" + artifact.metadata().channels());
      // one worker with the thread share it has in the pool: figures are per worker
      WorkerSlot slot = DevicePlan.resolve(base).get(0);
      row.put("device", slot.device().toString());
      row.put("intra_op_threads", slot.intraOpThreads());
      try (ClassifierWorker worker = new ClassifierWorker(artifact, slot, base.precision())) {
        row.put("computes_in", worker.computesIn().settingName());
        CropPreprocessor pre = new CropPreprocessor(artifact.metadata());
        float[] input = pre.toInput(randomCrop(artifact, 1));
        for (int size : batchSizes) {
          List<float[]> batch = Collections.nCopies(size, input);
          worker.run(batch); // warm-up
          worker.run(batch);
          double[] runs = new double[repeats];
          for (int r = 0; r < repeats; r++) {
            long n = 0;
            long t0 = System.nanoTime();
            long end = t0 + (long) (seconds * 1e9);
            while (System.nanoTime() < end) {
              worker.run(batch);
              n += size;
            }
            runs[r] = n / ((System.nanoTime() - t0) / 1e9);
          }
          row.put("batch_" + size, round(Median.of(runs)));
          if (profile != null) {
            String trace = profile + "-" + name + "-b" + size + ".json";
            OperatorProfile.record(trace, () -> {
              for (int i = 0; i < profileCalls; i++) {
                worker.run(batch);
              }
            });
            row.withArray("profiles").add(trace);
          }
        }
      }
      System.err.println("measured " + name);
    }

    // (2) the whole classify() path over the worker pool: batched vs batch size 1, same pool
    ArrayNode batcherRows = out.putArray("batcher_vs_unbatched");
    for (String name : batcherModels) {
      if (name.isBlank()) {
        continue;
      }
      ModelArtifact artifact = artifact(name, scratch);
      InferenceConfig batched = base.withMaxBatchSize(maxBatch).withMaxWait(Duration.ofMillis(maxWaitMs));
      InferenceConfig unbatched = base.withMaxBatchSize(1).withMaxWait(Duration.ZERO);
      for (int c : callers) {
        Load on = median(runLoad(artifact, batched, c));
        Load off = median(runLoad(artifact, unbatched, c));
        ObjectNode row = batcherRows.addObject();
        row.put("model", name);
        row.put("callers", c);
        row.put("faces_per_call", facesPerCall);
        row.put("max_batch", maxBatch);
        row.put("max_wait_ms", maxWaitMs);
        row.put("batched_faces_per_s", round(on.facesPerSecond));
        row.put("batched_p50_ms", round(on.p50Ms));
        row.put("batched_p99_ms", round(on.p99Ms));
        row.put("batched_mean_batch", round(on.meanBatch));
        row.put("unbatched_faces_per_s", round(off.facesPerSecond));
        row.put("unbatched_p50_ms", round(off.p50Ms));
        row.put("unbatched_p99_ms", round(off.p99Ms));
        row.put("throughput_ratio", round(on.facesPerSecond / off.facesPerSecond));
        System.err.println("measured batcher " + name + " callers=" + c);
      }
    }
    // (3) test-time augmentation: the classify() path with each set of views, same pool and batcher
    if (!ttas.isEmpty()) {
      ArrayNode ttaRows = out.putArray("test_time_augmentation");
      ModelArtifact artifact = artifact(ttaModel, scratch);
      InferenceConfig batched = base.withMaxBatchSize(maxBatch).withMaxWait(Duration.ofMillis(maxWaitMs));
      for (String t : ttas) {
        TestTimeAugmentation tta = TestTimeAugmentation.parse(t);
        Load load = median(runLoad(artifact, batched, 1, tta));
        ObjectNode row = ttaRows.addObject();
        row.put("model", ttaModel);
        row.put("tta", tta.configName());
        row.put("passes_per_face", tta.passes());
        row.put("faces_per_call", facesPerCall);
        row.put("faces_per_s", round(load.facesPerSecond));
        row.put("ms_per_face", round(1000 / load.facesPerSecond));
        row.put("p50_ms_per_call", round(load.p50Ms));
        System.err.println("measured tta " + tta.configName());
      }
    }
    System.out.println(json.writeValueAsString(out));
    return 0;
  }

  private record Load(double facesPerSecond, double p50Ms, double p99Ms, double meanBatch) {}

  private List<Load> runLoad(ModelArtifact artifact, InferenceConfig config, int callerCount) throws Exception {
    return runLoad(artifact, config, callerCount, TestTimeAugmentation.NONE);
  }

  private List<Load> runLoad(ModelArtifact artifact, InferenceConfig config, int callerCount,
      TestTimeAugmentation tta) throws Exception {
    List<Load> runs = new ArrayList<>();
    try (BatchingEmotionClassifier classifier =
        new BatchingEmotionClassifier(ModelRuntime.start(artifact, config), tta)) {
      Mat crop = randomCrop(artifact, 2);
      List<Mat> call = Collections.nCopies(facesPerCall, crop);
      for (int i = 0; i < 20; i++) {
        classifier.classify(call);
      }
      for (int r = 0; r < repeats; r++) {
        ExecutorService pool = Executors.newFixedThreadPool(callerCount);
        CountDownLatch start = new CountDownLatch(1);
        long end = System.nanoTime() + (long) ((seconds + 0.5) * 1e9);
        var before = classifier.runtime().batcher().stats();
        List<Future<long[]>> futures = new ArrayList<>();
        for (int c = 0; c < callerCount; c++) {
          futures.add(pool.submit(() -> {
            start.await();
            long[] lat = new long[1 << 16];
            int n = 0;
            while (System.nanoTime() < end && n < lat.length) {
              long t = System.nanoTime();
              classifier.classify(call);
              lat[n++] = System.nanoTime() - t;
            }
            return Arrays.copyOf(lat, n);
          }));
        }
        long t0 = System.nanoTime();
        start.countDown();
        List<Long> all = new ArrayList<>();
        for (Future<long[]> f : futures) {
          for (long v : f.get()) {
            all.add(v);
          }
        }
        double elapsed = (System.nanoTime() - t0) / 1e9;
        pool.shutdown();
        var after = classifier.runtime().batcher().stats();
        Collections.sort(all);
        double meanBatch = (double) (after.batchedRequests() - before.batchedRequests())
            / Math.max(1, after.batches() - before.batches());
        runs.add(new Load((double) all.size() * facesPerCall / elapsed, percentile(all, 0.50) / 1e6, percentile(all, 0.99) / 1e6, meanBatch));
      }
    }
    return runs;
  }

  private static Load median(List<Load> runs) {
    return new Load(
        Median.of(runs.stream().mapToDouble(Load::facesPerSecond).toArray()),
        Median.of(runs.stream().mapToDouble(Load::p50Ms).toArray()),
        Median.of(runs.stream().mapToDouble(Load::p99Ms).toArray()),
        Median.of(runs.stream().mapToDouble(Load::meanBatch).toArray()));
  }

  private static double percentile(List<Long> sorted, double q) {
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    return sorted.get((int) Math.min(sorted.size() - 1, Math.round(q * (sorted.size() - 1))));
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

  private static ModelArtifact artifact(String name, Path scratch) {
    if (name.equals("faceapi")) {
      return EmotionClassifiers.faceApiArtifact();
    }
    if (name.equals("default")) {
      return EmotionClassifiers.defaultArtifact();
    }
    if (name.startsWith("resnet18-")) {
      int size = Integer.parseInt(name.substring("resnet18-".length()));
      return UntrainedModels.resnet18(scratch.resolve(name), size, FaceApiExpressionModel.LABELS);
    }
    return ModelArtifact.open(Path.of(name));
  }

  private static Mat randomCrop(ModelArtifact artifact, long seed) {
    int w = artifact.metadata().crop().width();
    int h = artifact.metadata().crop().height();
    Mat mat = new Mat(h, w, opencv_core.CV_8UC3);
    Random random = new Random(seed);
    byte[] pixels = new byte[w * h * 3];
    random.nextBytes(pixels);
    mat.data().put(pixels);
    return mat;
  }
}
