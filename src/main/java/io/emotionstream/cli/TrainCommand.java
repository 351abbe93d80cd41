package io.emotionstream.cli;

import io.emotionstream.train.Augmentation;
import io.emotionstream.train.LearningRateSchedule;
import io.emotionstream.train.TrainingOptions;
import io.emotionstream.train.TrainingRun;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code train}: trains a ResNet-18 emotion classifier on FER2013 (Kaggle CSV) or an image folder
 * tree and writes a model artifact, a report and checkpoints into {@code --output}. Progress and
 * per-epoch lines go to stderr; stdout gets one line, the artifact directory, so that scripts (and
 * a later {@code --publish} step) can pick it up; {@link #result()} gives it to callers in-process.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Train a ResNet-18 emotion classifier; writes <output>/model (artifact), report.json/.md, "
        + "curves.png, confusion.png and checkpoint/. Prints the artifact directory.",
    sortOptions = false)
public final class TrainCommand implements Callable<Integer> {

  @Option(names = "--data", required = true, paramLabel = "PATH",
      description = "FER2013 Kaggle CSV (.csv or .csv.gz) or a folder tree <split>/<class>/*.png|jpg.")
  Path data;

  @Option(names = "--output", required = true, paramLabel = "DIR", description = "Run directory (created).")
  Path output;

  @Option(names = "--classes", paramLabel = "LIST",
      description = "Classes in output order, e.g. angry,happy,sad,neutral (default: all, FER2013 order).")
  String classes;

  @Option(names = "--train-usage", defaultValue = "Training", paramLabel = "NAME",
      description = "Usage value (CSV) or split folder for training (default: ${DEFAULT-VALUE}).")
  String trainUsage;

  @Option(names = "--val-usage", defaultValue = "PublicTest", paramLabel = "NAME",
      description = "Usage value or split folder for validation (default: ${DEFAULT-VALUE}).")
  String valUsage;

  @Option(names = "--val-fraction", paramLabel = "F",
      description = "Instead of --val-usage: hold out this stratified share of the training split (with --seed).")
  Double valFraction;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "Seed of split, shuffle, augmentation, init (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--train-limit", defaultValue = "0", paramLabel = "N",
      description = "Train on a stratified random subset of N training samples; 0 = all (quick trials).")
  int trainLimit;

  @Option(names = "--name", paramLabel = "NAME", defaultValue = "fer-resnet18", description = "Model name (default: ${DEFAULT-VALUE}).")
  String name;

  @Option(names = "--model-version", paramLabel = "V",
      description = "Model version (default: UTC timestamp, e.g. 20261128T101500Z).")
  String version;

  @Option(names = "--input-size", defaultValue = "48", paramLabel = "PX",
      description = "Network input side in pixels, e.g. 48 or 64 (default: ${DEFAULT-VALUE}).")
  int inputSize;

  @Option(names = "--init-weights", paramLabel = "FILE",
      description = "Start from torchvision/timm ResNet-18 weights (.safetensors); fc.* skipped when the class count differs.")
  Path initWeights;

  @Option(names = "--init-model", paramLabel = "DIR",
      description = "Start from an earlier model artifact (transfer learning); classifier rows kept for shared labels.")
  Path initModel;

  @Option(names = "--crop-margin", paramLabel = "F",
      description = {"Extra crop border, fraction of the face size, recorded in the artifact (default: 0 when the",
          "framing is measured, else 0.1 around the built-in template)."})
  Double cropMargin;

  @Option(names = "--framing-sample", defaultValue = "500", paramLabel = "N",
      description = {"Training faces to measure the landmark framing on (MTCNN), recorded in the artifact so the",
          "processor cuts camera faces alike; 0: the built-in template (default: ${DEFAULT-VALUE})."})
  int framingSample;

  @Option(names = "--optimizer", defaultValue = "sgd", paramLabel = "sgd|adamw",
      description = "SGD with momentum or AdamW (default: ${DEFAULT-VALUE}).")
  String optimizer;

  @Option(names = "--lr", paramLabel = "LR", description = "Peak learning rate (default: 0.05 SGD, 0.001 AdamW).")
  Float learningRate;

  @Option(names = "--min-lr", paramLabel = "LR", defaultValue = "0", description = "Final learning rate of the cosine schedule.")
  float minLearningRate;

  @Option(names = "--momentum", paramLabel = "M", defaultValue = "0.9", description = "SGD momentum (default: ${DEFAULT-VALUE}).")
  float momentum;

  @Option(names = "--weight-decay", paramLabel = "WD",
      description = "Weight decay (default: 5e-4 SGD, 0.05 AdamW).")
  Float weightDecay;

  @Option(names = "--schedule", defaultValue = "cosine", paramLabel = "cosine|step|plateau|constant",
      description = "Learning-rate schedule after warm-up (default: ${DEFAULT-VALUE}).")
  String schedule;

  @Option(names = "--warmup-epochs", paramLabel = "E", defaultValue = "1", description = "Linear warm-up length (default: ${DEFAULT-VALUE}).")
  double warmupEpochs;

  @Option(names = "--step-epochs", paramLabel = "E", defaultValue = "10", description = "Epochs between step decays (default: ${DEFAULT-VALUE}).")
  int stepEpochs;

  @Option(names = "--lr-decay", paramLabel = "F", defaultValue = "0.1", description = "Step and plateau decay factor (default: ${DEFAULT-VALUE}).")
  float gamma;

  @Option(names = "--plateau-patience", paramLabel = "N", defaultValue = "3",
      description = "Epochs without improvement before a plateau decay (default: ${DEFAULT-VALUE}).")
  int plateauPatience;

  @Option(names = "--label-smoothing", paramLabel = "F", defaultValue = "0.1", description = "Label smoothing (default: ${DEFAULT-VALUE}).")
  float labelSmoothing;

  @Option(names = "--epochs", paramLabel = "N", defaultValue = "30", description = "Epochs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch-size", paramLabel = "N", defaultValue = "64", description = "Batch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--early-stopping", defaultValue = "0", paramLabel = "N",
      description = "Stop after N epochs without a better validation accuracy; 0 = off (default: ${DEFAULT-VALUE}).")
  int earlyStopping;

  @Option(names = "--no-augment", description = "Train without augmentation.")
  boolean noAugment;

  @Option(names = "--aug-shift", paramLabel = "F", defaultValue = "0.1", description = "Largest shift, fraction of the side (default: ${DEFAULT-VALUE}).")
  double augShift;

  @Option(names = "--aug-flip", defaultValue = "true", negatable = true, fallbackValue = "true",
      description = "Random horizontal flip (default: ${DEFAULT-VALUE}).")
  boolean augFlip;

  @Option(names = "--aug-rotate", paramLabel = "DEG", defaultValue = "10", description = "Largest rotation in degrees (default: ${DEFAULT-VALUE}).")
  double augRotate;

  @Option(names = "--aug-scale", paramLabel = "F", defaultValue = "0.1", description = "Largest zoom change (default: ${DEFAULT-VALUE}).")
  double augScale;

  @Option(names = "--aug-brightness", paramLabel = "F", defaultValue = "0.2", description = "Largest brightness change (default: ${DEFAULT-VALUE}).")
  double augBrightness;

  @Option(names = "--aug-contrast", paramLabel = "F", defaultValue = "0.2", description = "Largest contrast change (default: ${DEFAULT-VALUE}).")
  double augContrast;

  @Option(names = "--resume", description = "Continue the interrupted run in --output from its checkpoint.")
  boolean resume;

  @Option(names = "--stop-after", defaultValue = "0", paramLabel = "N", hidden = true,
      description = "Stop after N epochs of this invocation, as an interruption would (tests).")
  int stopAfter;

  @Option(names = "--no-progress", description = "No progress bar.")
  boolean noProgress;

  @Option(names = "--publish", description = {"Publish the trained artifact: copy it into the model store and release it",
      "on the model releases topic, so running processors hot-reload it (needs the brokers: -b or --config)."})
  boolean publish;

  @Option(names = "--store", paramLabel = "DIR|URI", description = "Model store for --publish (default: setting model.store).")
  String store;

  @picocli.CommandLine.Mixin
  SettingsOptions settings;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  private TrainingRun.Result result;

  @Override
  public Integer call() {
    result = new TrainingRun(options(), System.err).run();
    if (result.interrupted()) {
      System.err.println("interrupted after epoch " + result.epochsDone() + "; checkpoint in " + output);
      return 3;
    }
    System.out.println(result.artifact().toAbsolutePath());
    if (publish) {
      io.emotionstream.config.Settings s = settings.settings()
          .with(java.util.Collections.singletonMap("model.store", store), "--store");
      io.emotionstream.model.ModelArtifact verified = io.emotionstream.model.ModelArtifact.open(result.artifact());
      java.net.URI uri = io.emotionstream.model.ModelReleases.storeAndRelease(s,
          io.emotionstream.model.ModelStore.open(s.string("model.store")), verified);
      System.err.println("published " + verified.metadata().name() + " " + verified.metadata().version() + " at " + uri
          + " and released it on " + s.string("topic.model-releases"));
    }
    return 0;
  }

  /** The options as the training run takes them. */
  TrainingOptions options() {
    TrainingOptions o = new TrainingOptions();
    o.data = data;
    o.output = output;
    o.classes = classes;
    o.trainUsage = trainUsage;
    o.valUsage = valUsage;
    o.valFraction = valFraction;
    o.seed = seed;
    o.trainLimit = trainLimit;
    o.name = name;
    o.version = version;
    o.inputSize = inputSize;
    o.initWeights = initWeights;
    o.initModel = initModel;
    o.cropMargin = cropMargin;
    o.framingSample = framingSample;
    o.optimizer = enumOption("--optimizer", TrainingOptions.OptimizerKind.class, optimizer);
    o.learningRate = learningRate;
    o.minLearningRate = minLearningRate;
    o.momentum = momentum;
    o.weightDecay = weightDecay;
    o.schedule = enumOption("--schedule", LearningRateSchedule.Kind.class, schedule);
    o.warmupEpochs = warmupEpochs;
    o.stepEpochs = stepEpochs;
    o.gamma = gamma;
    o.plateauPatience = plateauPatience;
    o.labelSmoothing = labelSmoothing;
    o.epochs = epochs;
    o.batchSize = batchSize;
    o.earlyStoppingPatience = earlyStopping;
    o.augmentation = noAugment ? Augmentation.NONE
        : new Augmentation(augShift, augFlip, augRotate, augScale, augBrightness, augContrast);
    o.resume = resume;
    o.stopAfterEpochs = stopAfter;
    o.progress = !noProgress;
    o.commandLine = commandLine();
    return o;
  }

  /** This invocation as a launcher line, {@code --resume} left out (it continues the same run). */
  String commandLine() {
    if (spec == null || spec.commandLine().getParseResult() == null) {
      return null;
    }
    java.util.List<String> args = new java.util.ArrayList<>(spec.commandLine().getParseResult().originalArgs());
    int train = args.indexOf("train");
    if (train >= 0 && train < 2) {
      args = args.subList(train + 1, args.size());
    }
    StringBuilder line = new StringBuilder("./emotion-stream train");
    for (String a : args) {
      if (!a.equals("--resume")) {
        line.append(' ').append(shellQuoted(a));
      }
    }
    return line.toString();
  }

  static String shellQuoted(String arg) {
    return arg.matches("[A-Za-z0-9_./:=,@%+-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'";
  }

  /** What the last {@link #call()} produced (the artifact directory for a publishing step), or null. */
  public TrainingRun.Result result() {
    return result;
  }

  private static <E extends Enum<E>> E enumOption(String option, Class<E> type, String value) {
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(value)) {
        return e;
      }
    }
    throw new IllegalArgumentException(option + " must be one of " + java.util.Arrays.toString(type.getEnumConstants())
        .toLowerCase(java.util.Locale.ROOT) + ", got '" + value + "'");
  }

  /** Runs this command alone (the root command registers it as {@code emotion-stream train}). */
  public static void main(String[] args) {
    System.exit(new CommandLine(new TrainCommand()).execute(args));
  }
}
