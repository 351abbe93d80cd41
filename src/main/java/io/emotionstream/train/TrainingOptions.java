package io.emotionstream.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a training run is configured with; the {@code train} command fills it from its options.
 * Defaults suit ResNet-18 on FER2013 at 48x48.
 */
public final class TrainingOptions {

  /** The optimiser. */
  public enum OptimizerKind { SGD, ADAMW }

  // data
  public Path data;
  /** Comma-separated class names in output order; null = all classes of the data. */
  public String classes;
  public String trainUsage = "Training";
  public String valUsage = "PublicTest";
  /** When set, validation is this stratified share of the training split instead of {@link #valUsage}. */
  public Double valFraction;
  public long seed = 42;
  /** When positive, train on a stratified random subset of this many training samples (quick trials). */
  public int trainLimit;

  /**
   * The command that started the run, as a shell line (without {@code --resume}); recorded in the
   * report so that a bundled model documents how it was made. Null when not started from the command line.
   */
  public String commandLine;

  // model
  public Path output;
  public String name = "fer-resnet18";
  /** Null = a UTC timestamp. */
  public String version;
  public int inputSize = 48;
  /** torchvision/timm ResNet-18 weights as safetensors; {@code fc.*} is skipped when the class count differs. */
  public Path initWeights;
  /** An earlier model artifact to start from (transfer learning). */
  public Path initModel;
  /**
   * Extra border of the crop as a fraction of the face size, recorded in the crop spec; null: none
   * when the framing is measured on the training faces, else {@link #DEFAULT_CROP_MARGIN}.
   */
  public Double cropMargin;
  /** Default margin around the built-in landmark template, when the framing is not measured. */
  public static final double DEFAULT_CROP_MARGIN = 0.1;
  /** Training faces the detector measures the framing on; 0: use the built-in template. */
  public int framingSample = 500;

  // optimisation
  public OptimizerKind optimizer = OptimizerKind.SGD;
  /** Null = 0.05 for SGD, 0.001 for AdamW. */
  public Float learningRate;
  public float minLearningRate = 0f;
  public float momentum = 0.9f;
  /** Null = 5e-4 for SGD (coupled L2), 0.05 for AdamW (decoupled). */
  public Float weightDecay;
  public LearningRateSchedule.Kind schedule = LearningRateSchedule.Kind.COSINE;
  public double warmupEpochs = 1;
  public int stepEpochs = 10;
  public float gamma = 0.1f;
  public int plateauPatience = 3;
  public float labelSmoothing = 0.1f;
  public int epochs = 30;
  public int batchSize = 64;
  /** Stop when validation accuracy has not improved for this many epochs; 0 = never. */
  public int earlyStoppingPatience = 0;
  public Augmentation augmentation = Augmentation.DEFAULT;

  // run control
  public boolean resume;
  /** Stop (as if interrupted) after this many epochs of this invocation; 0 = run to the end. */
  public int stopAfterEpochs;
  public int evalBatchSize = 256;
  public boolean progress = true;

  public float effectiveLearningRate() {
    return learningRate != null ? learningRate : optimizer == OptimizerKind.SGD ? 0.05f : 0.001f;
  }

  public float effectiveWeightDecay() {
    return weightDecay != null ? weightDecay : optimizer == OptimizerKind.SGD ? 5e-4f : 0.05f;
  }

  /** Problems, each naming its option; empty when the options can run. */
  public List<String> problems() {
    List<String> p = new ArrayList<>();
    if (data == null) {
      p.add("--data is required");
    }
    if (output == null) {
      p.add("--output is required");
    }
    if (initWeights != null && initModel != null) {
      p.add("--init-weights and --init-model exclude each other");
    }
    if (inputSize < 32) {
      p.add("--input-size must be at least 32: " + inputSize);
    }
    if (epochs < 1) {
      p.add("--epochs must be at least 1: " + epochs);
    }
    if (batchSize < 2) {
      p.add("--batch-size must be at least 2 (batch normalisation): " + batchSize);
    }
    if (labelSmoothing < 0 || labelSmoothing >= 1) {
      p.add("--label-smoothing must be within [0, 1): " + labelSmoothing);
    }
    if (valFraction != null && !(valFraction > 0 && valFraction < 1)) {
      p.add("--val-fraction must be between 0 and 1: " + valFraction);
    }
    if (!(effectiveLearningRate() > 0)) {
      p.add("--lr must be positive");
    }
    if (trainLimit < 0) {
      p.add("--train-limit must not be negative: " + trainLimit);
    }
    if (warmupEpochs < 0) {
      p.add("--warmup-epochs must not be negative");
    }
    return p;
  }

  /**
   * The options that must not change between an interrupted run and its {@code --resume}: they
   * shape the data, the network or the schedule.
   */
  public Map<String, String> fingerprint() {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("data", String.valueOf(data == null ? null : data.getFileName()));
    f.put("classes", String.valueOf(classes));
    f.put("train_usage", trainUsage);
    f.put("val", valFraction != null ? "fraction " + valFraction : valUsage);
    f.put("seed", Long.toString(seed));
    f.put("input_size", Integer.toString(inputSize));
    f.put("optimizer", optimizer.name());
    f.put("lr", Float.toString(effectiveLearningRate()));
    f.put("schedule", schedule.name());
    f.put("epochs", Integer.toString(epochs));
    f.put("batch_size", Integer.toString(batchSize));
    f.put("augmentation", augmentation.toString());
    f.put("label_smoothing", Float.toString(labelSmoothing));
    f.put("weight_decay", Float.toString(effectiveWeightDecay()));
    f.put("train_limit", Integer.toString(trainLimit));
    return f;
  }
}
