package io.emotionstream.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.emotionstream.emotion.ResNet18;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Measures training speed: ResNet-18 optimiser steps on random grey batches (the job's own step,
 * {@link TrainingStep}), so the figure excludes data reading and validation. After warm-up steps,
 * each repeat times {@code steps} steps; the median repeat is reported.
 */
public final class TrainingThroughput {

  private TrainingThroughput() {}

  /**
   * @return {@code images_per_second} and {@code ms_per_step} (medians), every repeat's images/s,
   *     and the settings and environment that affect the figure
   */
  public static Map<String, Object> measure(int inputSize, int batchSize, int classes,
      TrainingOptions.OptimizerKind optimizerKind, int warmupSteps, int steps, int repeats) {
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
    double[] rates = new double[repeats];
    try (Model model = Model.newInstance("throughput", Device.cpu());
        Trainer trainer = TrainingStep.newTrainer(model, new ResNet18(classes), optimizer)) {
      trainer.initialize(shape);
      for (int i = 0; i < warmupSteps; i++) {
        TrainingStep.run(trainer, x, shape, y, classes);
      }
      for (int r = 0; r < repeats; r++) {
        long start = System.nanoTime();
        for (int i = 0; i < steps; i++) {
          TrainingStep.run(trainer, x, shape, y, classes);
        }
        rates[r] = (double) steps * batchSize / ((System.nanoTime() - start) / 1e9);
      }
    }
    double[] sorted = rates.clone();
    Arrays.sort(sorted);
    double median = sorted[sorted.length / 2];
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("input_size", inputSize);
    out.put("batch_size", batchSize);
    out.put("optimizer", optimizerKind.name().toLowerCase(java.util.Locale.ROOT));
    out.put("images_per_second", ConfusionMatrix.round(median));
    out.put("ms_per_step", ConfusionMatrix.round(1000.0 * batchSize / median));
    out.put("repeats", Arrays.stream(rates).map(ConfusionMatrix::round).boxed().toList());
    out.put("steps_per_repeat", steps);
    out.put("threads", System.getProperty("ai.djl.pytorch.num_threads", "default"));
    String preload = System.getenv("LD_PRELOAD");
    out.put("jemalloc", preload != null && preload.contains("jemalloc"));
    out.put("omp_wait_policy", String.valueOf(System.getenv("OMP_WAIT_POLICY")));
    out.put("cpus", Runtime.getRuntime().availableProcessors());
    return out;
  }
}
