package io.emotionstream.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.emotionstream.emotion.ResNet18;
import io.emotionstream.torch.OperatorProfile;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Measures training speed: ResNet-18 optimiser steps of the job's own step ({@link TrainingStep}).
 * By default on one fixed random batch, so the figure is the model's forward, backward and update
 * alone (what a plain framework training loop on random tensors times); with {@code pipeline} each
 * step first prepares its batch as the job does ({@link TrainingBatch}: the default augmentation
 * and the encoding of 48x48 grey faces, here random pixels). Data reading and validation are never
 * included. After warm-up steps, each repeat times {@code steps} steps; the median repeat is
 * reported, with the CPU time per step of the process and of the stepping thread (median repeats)
 * and the time per step of each phase over all repeats. With an even number of repeats the
 * "median" is the upper middle repeat ({@code sorted[n / 2]}), not the mean of the two middle ones
 * as {@link io.emotionstream.stats.Median} gives: a repeat that was really measured, so that its
 * images/s and its milliseconds per step describe the same run.
 */
public final class TrainingThroughput {

  /** Faces the pipeline cycles through: enough for distinct batches, few enough to stay in cache as FER2013's bytes. */
  private static final int PIPELINE_FACES = 1024;

  /** FER2013's side. */
  private static final int FACE_SIDE = 48;

  /** The stepping thread's own CPU time: with one intra-op thread all of the engine's work, without the JVM's compiler and collector threads. */
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private TrainingThroughput() {}

  /** On one fixed random batch (no data pipeline). */
  public static Map<String, Object> measure(int inputSize, int batchSize, int classes,
      TrainingOptions.OptimizerKind optimizerKind, int warmupSteps, int steps, int repeats) {
    return measure(inputSize, batchSize, classes, optimizerKind, warmupSteps, steps, repeats, false,
        ResNet18.Stem.IMAGENET, null);
  }

  /**
   * @param pipeline whether each step first augments and encodes its batch
   * @param stem the network's stem
   * @param profile where to write libtorch's profile (a Chrome trace of every operator it ran, with
   *     its input shapes) of {@code steps} further steps after the timed ones; null for none. The
   *     profiled steps are not timed: the profiler's own cost would be in the figure.
   * @return {@code images_per_second} and {@code ms_per_step} (medians), every repeat's images/s,
   *     milliseconds per step of each phase, and the settings and environment that affect the figure
   */
  public static Map<String, Object> measure(int inputSize, int batchSize, int classes,
      TrainingOptions.OptimizerKind optimizerKind, int warmupSteps, int steps, int repeats, boolean pipeline,
      ResNet18.Stem stem, Path profile) {
    Optimizer optimizer = optimizerKind == TrainingOptions.OptimizerKind.SGD
        ? new MomentumSgd(Tracker.fixed(0.01f), 0.9f, 5e-4f, 0)
        : Optimizer.adamW().optLearningRateTracker(Tracker.fixed(0.001f)).build();
    Shape shape = new Shape(batchSize, 1, inputSize, inputSize);
    SplittableRandom random = new SplittableRandom(1);
    float[] x = new float[batchSize * inputSize * inputSize];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (random.nextDouble() * 4 - 2);
    }
    float[] y = new float[batchSize * classes];
    for (int i = 0; i < batchSize; i++) {
      y[i * classes + random.nextInt(classes)] = 1f;
    }
    int faceCount = Math.max(PIPELINE_FACES, batchSize);
    LabelledFaces faces = pipeline ? randomFaces(faceCount, classes, random) : null;
    InputEncoder encoder = new InputEncoder(inputSize, new Normalisation(128, 64));
    int[] order = Predictions.identity(faceCount);
    double[] rates = new double[repeats];
    double[] cpuMillis = new double[repeats];
    double[] threadCpuMillis = new double[repeats];
    StepTimes times;
    try (Model model = Model.newInstance("throughput", Device.cpu());
        Trainer trainer = TrainingStep.newTrainer(model, new ResNet18(classes, stem), optimizer)) {
      trainer.initialize(shape);
      TrainingStep step = new TrainingStep(trainer, optimizer);
      times = step.times();
      int done = 0;
      for (int i = 0; i < warmupSteps; i++, done++) {
        runStep(step, faces, order, encoder, done, x, shape, y, classes);
      }
      times.reset();
      for (int r = 0; r < repeats; r++) {
        long start = System.nanoTime();
        long cpuStart = processCpuNanos();
        long threadCpuStart = THREADS.getCurrentThreadCpuTime();
        for (int i = 0; i < steps; i++, done++) {
          runStep(step, faces, order, encoder, done, x, shape, y, classes);
        }
        rates[r] = (double) steps * batchSize / ((System.nanoTime() - start) / 1e9);
        cpuMillis[r] = (processCpuNanos() - cpuStart) / 1e6 / steps;
        threadCpuMillis[r] = (THREADS.getCurrentThreadCpuTime() - threadCpuStart) / 1e6 / steps;
      }
      if (profile != null) {
        int first = done;
        OperatorProfile.record(profile.toString(), () -> {
          for (int i = 0; i < steps; i++) {
            runStep(step, faces, order, encoder, first + i, x, shape, y, classes);
          }
        });
      }
    }
    double[] sorted = rates.clone();
    Arrays.sort(sorted);
    double median = sorted[sorted.length / 2];
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("input_size", inputSize);
    out.put("batch_size", batchSize);
    out.put("stem", stem.optionName());
    out.put("optimizer", optimizerKind.name().toLowerCase(java.util.Locale.ROOT));
    out.put("pipeline", pipeline);
    out.put("images_per_second", ConfusionMatrix.round(median));
    out.put("ms_per_step", ConfusionMatrix.round(1000.0 * batchSize / median));
    out.put("repeats", Arrays.stream(rates).map(ConfusionMatrix::round).boxed().toList());
    out.put("steps_per_repeat", steps);
    Arrays.sort(cpuMillis);
    out.put("cpu_ms_per_step", ConfusionMatrix.round(cpuMillis[cpuMillis.length / 2]));
    Arrays.sort(threadCpuMillis);
    out.put("step_thread_cpu_ms_per_step", ConfusionMatrix.round(threadCpuMillis[threadCpuMillis.length / 2]));
    out.put("phases_ms_per_step", times.millisPerStep());
    if (profile != null) {
      out.put("profile", profile.toString());
      out.put("profiled_steps", steps);
    }
    out.put("threads", System.getProperty("ai.djl.pytorch.num_threads", "default"));
    String preload = System.getenv("LD_PRELOAD");
    out.put("jemalloc", preload != null && preload.contains("jemalloc"));
    out.put("omp_wait_policy", String.valueOf(System.getenv("OMP_WAIT_POLICY")));
    out.put("cpus", Runtime.getRuntime().availableProcessors());
    return out;
  }

  /** One step: on the fixed batch, or on the next batch of {@code faces} prepared as the job does. */
  private static void runStep(TrainingStep step, LabelledFaces faces, int[] order, InputEncoder encoder, int index,
      float[] x, Shape shape, float[] y, int classes) {
    if (faces == null) {
      step.run(x, shape, y, classes);
      return;
    }
    int batchSize = (int) shape.get(0);
    int batchesPerPass = order.length / batchSize;
    long start = System.nanoTime();
    TrainingBatch batch = TrainingBatch.prepare(faces, order, (index % batchesPerPass) * batchSize, batchSize,
        encoder, Augmentation.DEFAULT, 1, index / batchesPerPass, 0.1f);
    step.times().addPrepare(System.nanoTime() - start);
    step.run(batch.inputs(), shape, batch.targets(), classes);
  }

  /**
   * CPU time of the whole process (all threads): where other processes share the cores, a steadier
   * measure of the work per step than the wall clock.
   */
  private static long processCpuNanos() {
    return ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class).getProcessCpuTime();
  }

  private static LabelledFaces randomFaces(int count, int classes, SplittableRandom random) {
    List<String> labels = IntStream.range(0, classes).mapToObj(c -> "class" + c).toList();
    LabelledFaces faces = new LabelledFaces(labels);
    for (int i = 0; i < count; i++) {
      byte[] pixels = new byte[FACE_SIDE * FACE_SIDE];
      random.nextBytes(pixels);
      faces.add(new GreyImage(FACE_SIDE, FACE_SIDE, pixels), random.nextInt(classes));
    }
    return faces;
  }
}
