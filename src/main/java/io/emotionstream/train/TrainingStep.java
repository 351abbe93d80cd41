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
 */
final class TrainingStep {

  private TrainingStep() {}

  /** Mean loss of the batch and the predicted class of each sample. */
  record Outcome(float loss, long[] predicted) {}

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

  /**
   * Forward, loss, backward and optimiser update; every array of the step lives in its own
   * sub-manager, closed before returning.
   *
   * @param inputs {@code batch x channels x size x size} floats
   * @param targets {@code batch x classes} target probabilities
   */
  static Outcome run(Trainer trainer, float[] inputs, Shape inputShape, float[] targets, int classes) {
    long batch = inputShape.get(0);
    try (NDManager manager = trainer.getManager().newSubManager()) {
      NDArray x = manager.create(inputs, inputShape);
      NDArray y = manager.create(targets, new Shape(batch, classes));
      Outcome outcome;
      try (GradientCollector collector = trainer.newGradientCollector()) {
        NDArray logits = trainer.forward(new NDList(x)).singletonOrThrow();
        NDArray loss = trainer.getLoss().evaluate(new NDList(y), new NDList(logits));
        collector.backward(loss);
        outcome = new Outcome(loss.getFloat(), logits.argMax(1).toLongArray());
      }
      trainer.step();
      return outcome;
    }
  }
}
