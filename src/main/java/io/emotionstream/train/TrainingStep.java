package io.emotionstream.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.loss.SoftmaxCrossEntropyLoss;
import ai.djl.training.optimizer.Optimizer;

/**
 * One optimiser step on one batch, and the trainer configuration the job uses; shared by
 * {@link TrainingRun} and {@link TrainingThroughput} so the benchmark measures the real step.
 * Keeps the time spent in each phase ({@link StepTimes}).
 */
final class TrainingStep {

  private final Trainer trainer;
  private final MomentumSgd sgd;
  private final float[] logitAdjustment;
  private final float distillWeight;
  private final float temperature;
  private final StepTimes times = new StepTimes();

  /** Mean loss of the batch and the predicted class of each sample. */
  record Outcome(float loss, long[] predicted) {}

  /**
   * @param trainer from {@link #newTrainer}
   * @param optimizer the trainer's optimiser
   */
  TrainingStep(Trainer trainer, Optimizer optimizer) {
    this(trainer, optimizer, null, 0, 1);
  }

  /**
   * @param logitAdjustment added to the logits inside the loss only (logit adjustment for class
   *     imbalance: {@code tau * log(prior)} per class), or null
   * @param distillWeight weight of the distillation term when a step is given teacher probabilities:
   *     the loss is {@code (1 - w) * CE(target) + w * T^2 * CE(softmax(logits / T), teacher)}
   * @param temperature {@code T} of that term (the teachers' probabilities are made at the same T)
   */
  TrainingStep(Trainer trainer, Optimizer optimizer, float[] logitAdjustment, float distillWeight,
      float temperature) {
    this.trainer = trainer;
    this.sgd = optimizer instanceof MomentumSgd m ? m : null;
    this.logitAdjustment = logitAdjustment == null ? null : logitAdjustment.clone();
    this.distillWeight = distillWeight;
    this.temperature = temperature;
  }

  /**
   * A trainer for {@code model} with the job's loss (softmax cross-entropy against dense, possibly
   * smoothed, targets), He initialisation and the given optimiser, on the CPU.
   */
  static Trainer newTrainer(Model model, Block block, Optimizer optimizer) {
    model.setBlock(block);
    DefaultTrainingConfig config = new DefaultTrainingConfig(new SoftmaxCrossEntropyLoss("loss", 1f, -1, false, true))
        .optOptimizer(optimizer)
        // He initialisation (normal, fan-in, gain 2): ResNets train from scratch with it
        .optInitializer(new XavierInitializer(XavierInitializer.RandomType.GAUSSIAN,
            XavierInitializer.FactorType.IN, 2), Parameter.Type.WEIGHT)
        .optDevices(new Device[] {Device.cpu()});
    return model.newTrainer(config);
  }

  /** Time spent so far in each phase of {@link #run}. */
  StepTimes times() {
    return times;
  }

  /**
   * Forward, loss, backward and optimiser update; every array of the step lives in its own
   * sub-manager, closed before returning.
   *
   * @param inputs {@code batch x channels x size x size} floats
   * @param targets {@code batch x classes} target probabilities
   */
  Outcome run(float[] inputs, Shape inputShape, float[] targets, int classes) {
    return run(inputs, inputShape, targets, classes, null);
  }

  /**
   * @param teacher {@code batch x classes} probabilities of the teachers at the distillation
   *     temperature, or null
   */
  Outcome run(float[] inputs, Shape inputShape, float[] targets, int classes, float[] teacher) {
    long batch = inputShape.get(0);
    long[] t = new long[6];
    t[0] = System.nanoTime();
    Outcome outcome;
    try (NDManager manager = trainer.getManager().newSubManager()) {
      NDArray x = manager.create(inputs, inputShape);
      NDArray y = manager.create(targets, new Shape(batch, classes));
      try (GradientCollector collector = trainer.newGradientCollector()) {
        NDArray logits = trainer.forward(new NDList(x)).singletonOrThrow();
        NDArray adjusted = logitAdjustment == null ? logits
            : logits.add(manager.create(logitAdjustment, new Shape(1, classes)));
        NDArray loss = trainer.getLoss().evaluate(new NDList(y), new NDList(adjusted));
        if (teacher != null && distillWeight > 0) {
          NDArray soft = manager.create(teacher, new Shape(batch, classes));
          NDArray distill = logits.div(temperature).logSoftmax(1).mul(soft).sum(new int[] {1}).neg().mean()
              .mul(temperature * temperature);
          loss = loss.mul(1 - distillWeight).add(distill.mul(distillWeight));
        }
        t[1] = System.nanoTime();
        collector.backward(loss);
        t[2] = System.nanoTime();
        outcome = new Outcome(loss.getFloat(), logits.argMax(1).toLongArray());
      }
      t[3] = System.nanoTime();
      if (sgd != null) {
        // straight from the stored gradients: DJL's trainer.step() would first copy every gradient
        sgd.updateAll(trainer.getModel().getBlock());
      } else {
        trainer.step();
      }
      t[4] = System.nanoTime();
    }
    t[5] = System.nanoTime();
    times.add(t);
    return outcome;
  }
}
