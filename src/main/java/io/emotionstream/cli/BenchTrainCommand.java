package io.emotionstream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.emotionstream.emotion.ResNet18;
import io.emotionstream.train.TrainingOptions;
import io.emotionstream.train.TrainingThroughput;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench train}: ResNet-18 training images/s (the training job's own step on a random batch,
 * or with {@code --pipeline} on batches augmented and encoded as the job does) and the time per step
 * of each phase, as one JSON object. Meant as a sub-command of {@code bench}.
 * {@code scripts/bench-train-compare.sh} sets it side by side with a plain PyTorch loop.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Benchmark ResNet-18 training steps (images/s, median of repeats) and print JSON.")
public final class BenchTrainCommand implements Callable<Integer> {

  @Option(names = "--input-size", defaultValue = "48", paramLabel = "PX", description = "(default: ${DEFAULT-VALUE})")
  int inputSize;

  @Option(names = "--batch-size", defaultValue = "64", paramLabel = "N", description = "(default: ${DEFAULT-VALUE})")
  int batchSize;

  @Option(names = "--classes", defaultValue = "7", paramLabel = "N", description = "(default: ${DEFAULT-VALUE})")
  int classes;

  @Option(names = "--optimizer", defaultValue = "sgd", paramLabel = "sgd|adamw", description = "(default: ${DEFAULT-VALUE})")
  String optimizer;

  @Option(names = "--warmup-steps", defaultValue = "5", paramLabel = "N", description = "(default: ${DEFAULT-VALUE})")
  int warmupSteps;

  @Option(names = "--steps", defaultValue = "20", paramLabel = "N", description = "steps per repeat (default: ${DEFAULT-VALUE})")
  int steps;

  @Option(names = "--repeats", defaultValue = "3", paramLabel = "N", description = "(default: ${DEFAULT-VALUE})")
  int repeats;

  @Option(names = "--pipeline", description = "prepare each batch as the training job does (default augmentation "
      + "and encoding of 48x48 grey faces) inside the timed steps; without it one fixed random batch is used")
  boolean pipeline;

  @Option(names = "--stem", defaultValue = "imagenet", paramLabel = "imagenet|no-pool|s1",
      converter = TrainingOptions.StemConverter.class, description = "the network's stem (default: ${DEFAULT-VALUE})")
  ResNet18.Stem stem;

  @Option(names = "--profile", paramLabel = "FILE", description = "after the timed steps, run as many more under "
      + "libtorch's profiler and write its Chrome trace (every operator, with input shapes) to FILE; "
      + "scripts/profile-summary.py sums it per operator")
  Path profile;

  @Override
  public Integer call() throws Exception {
    TrainingOptions.OptimizerKind kind = "adamw".equalsIgnoreCase(optimizer)
        ? TrainingOptions.OptimizerKind.ADAMW : TrainingOptions.OptimizerKind.SGD;
    System.out.println(new ObjectMapper().writeValueAsString(
        TrainingThroughput.measure(inputSize, batchSize, classes, kind, warmupSteps, steps, repeats, pipeline, stem, profile)));
    return 0;
  }
}
