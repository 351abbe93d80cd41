package io.emotionstream.train;

import io.emotionstream.emotion.ResNet18;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * Everything a training run is configured with, declared once: each field is a {@code train}
 * option (a picocli mixin) and its initial value is the default, which {@code --help} shows
 * through {@link Defaults}. Defaults suit ResNet-18 on FER2013 at 48x48.
 */
public final class TrainingOptions {

  /** The optimiser. */
  public enum OptimizerKind { SGD, ADAMW }

  // data
  @Option(names = "--data", required = true, paramLabel = "PATH",
      description = "FER2013 Kaggle CSV (.csv or .csv.gz) or a folder tree <split>/<class>/*.png|jpg.")
  public Path data;

  @Option(names = "--output", required = true, paramLabel = "DIR", description = "Run directory (created).")
  public Path output;

  /** Comma-separated class names in output order; null = all classes of the data. */
  @Option(names = "--classes", paramLabel = "LIST",
      description = "Classes in output order, e.g. angry,happy,sad,neutral (default: all, FER2013 order).")
  public String classes;

  @Option(names = "--train-usage", paramLabel = "NAME",
      description = "Usage value (CSV) or split folder for training (default: ${DEFAULT-VALUE}).")
  public String trainUsage = "Training";

  @Option(names = "--val-usage", paramLabel = "NAME",
      description = "Usage value or split folder for validation (default: ${DEFAULT-VALUE}).")
  public String valUsage = "PublicTest";

  /** When set, validation is this stratified share of the training split instead of {@link #valUsage}. */
  @Option(names = "--val-fraction", paramLabel = "F",
      description = "Instead of --val-usage: hold out this stratified share of the training split (with --seed).")
  public Double valFraction;

  @Option(names = "--seed", paramLabel = "N", description = "Seed of split, shuffle, augmentation, init (default: ${DEFAULT-VALUE}).")
  public long seed = 42;

  /** When positive, train on a stratified random subset of this many training samples (quick trials). */
  @Option(names = "--train-limit", paramLabel = "N",
      description = "Train on a stratified random subset of N training samples; 0 = all (quick trials).")
  public int trainLimit;

  /**
   * The command that started the run, as a shell line (without {@code --resume}); recorded in the
   * report so that a bundled model documents how it was made. Null when not started from the command line.
   */
  public String commandLine;

  // model
  @Option(names = "--name", paramLabel = "NAME", description = "Model name (default: ${DEFAULT-VALUE}).")
  public String name = "fer-resnet18";

  /** Null = a UTC timestamp. */
  @Option(names = "--model-version", paramLabel = "V",
      description = "Model version (default: UTC timestamp, e.g. 20261128T101500Z).")
  public String version;

  @Option(names = "--stem", paramLabel = "imagenet|no-pool|s1", converter = StemConverter.class,
      description = {"The network's first layers: imagenet (7x7/2 + max pool, torchvision's), no-pool (7x7/2,",
          "about 4x the compute), s1 (3x3/1, about 12x) (default: ${DEFAULT-VALUE})."})
  public ResNet18.Stem stem = ResNet18.Stem.IMAGENET;

  @Option(names = "--input-size", paramLabel = "PX",
      description = "Network input side in pixels, e.g. 48 or 64 (default: ${DEFAULT-VALUE}).")
  public int inputSize = 48;

  /** torchvision/timm ResNet-18 weights as safetensors; {@code fc.*} is skipped when the class count differs. */
  @Option(names = "--init-weights", paramLabel = "FILE",
      description = "Start from torchvision/timm ResNet-18 weights (.safetensors); fc.* skipped when the class count differs.")
  public Path initWeights;

  /** An earlier model artifact to start from (transfer learning). */
  @Option(names = "--init-model", paramLabel = "DIR",
      description = "Start from an earlier model artifact (transfer learning); classifier rows kept for shared labels.")
  public Path initModel;

  /**
   * Extra border of the crop as a fraction of the face size, recorded in the crop spec; null: none
   * when the framing is measured on the training faces, else {@link #DEFAULT_CROP_MARGIN}.
   */
  @Option(names = "--crop-margin", paramLabel = "F",
      description = {"Extra crop border, fraction of the face size, recorded in the artifact (default: 0 when the",
          "framing is measured, else 0.1 around the built-in template)."})
  public Double cropMargin;

  /** Default margin around the built-in landmark template, when the framing is not measured. */
  public static final double DEFAULT_CROP_MARGIN = 0.1;

  /** Training faces the detector measures the framing on; 0: use the built-in template. */
  @Option(names = "--framing-sample", paramLabel = "N",
      description = {"Training faces to measure the landmark framing on (MTCNN), recorded in the artifact so the",
          "processor cuts camera faces alike; 0: the built-in template (default: ${DEFAULT-VALUE})."})
  public int framingSample = 500;

  // optimisation
  @Option(names = "--optimizer", paramLabel = "sgd|adamw", converter = OptimizerConverter.class,
      description = "SGD with momentum or AdamW (default: ${DEFAULT-VALUE}).")
  public OptimizerKind optimizer = OptimizerKind.SGD;

  /** Null = 0.05 for SGD, 0.001 for AdamW. */
  @Option(names = "--lr", paramLabel = "LR", description = "Peak learning rate (default: 0.05 SGD, 0.001 AdamW).")
  public Float learningRate;

  @Option(names = "--min-lr", paramLabel = "LR", description = "Final learning rate of the cosine schedule.")
  public float minLearningRate = 0f;

  @Option(names = "--momentum", paramLabel = "M", description = "SGD momentum (default: ${DEFAULT-VALUE}).")
  public float momentum = 0.9f;

  /** Null = 5e-4 for SGD (coupled L2), 0.05 for AdamW (decoupled). */
  @Option(names = "--weight-decay", paramLabel = "WD",
      description = "Weight decay (default: 5e-4 SGD, 0.05 AdamW).")
  public Float weightDecay;

  @Option(names = "--schedule", paramLabel = "cosine|step|plateau|constant", converter = ScheduleConverter.class,
      description = "Learning-rate schedule after warm-up (default: ${DEFAULT-VALUE}).")
  public LearningRateSchedule.Kind schedule = LearningRateSchedule.Kind.COSINE;

  @Option(names = "--warmup-epochs", paramLabel = "E", description = "Linear warm-up length (default: ${DEFAULT-VALUE}).")
  public double warmupEpochs = 1;

  @Option(names = "--step-epochs", paramLabel = "E", description = "Epochs between step decays (default: ${DEFAULT-VALUE}).")
  public int stepEpochs = 10;

  @Option(names = "--lr-decay", paramLabel = "F", description = "Step and plateau decay factor (default: ${DEFAULT-VALUE}).")
  public float gamma = 0.1f;

  @Option(names = "--plateau-patience", paramLabel = "N",
      description = "Epochs without improvement before a plateau decay (default: ${DEFAULT-VALUE}).")
  public int plateauPatience = 3;

  @Option(names = "--label-smoothing", paramLabel = "F", description = "Label smoothing (default: ${DEFAULT-VALUE}).")
  public float labelSmoothing = 0.1f;

  /** Where soft targets come from; null = the hard labels only. */
  @Option(names = "--soft-targets", paramLabel = "ferplus",
      description = {"Mix each training row's target with its FER+ vote distribution (fer2013new.csv beside",
          "--data, or --ferplus); the votes of validation rows are never read."})
  public String softTargets;

  @Option(names = "--soft-weight", paramLabel = "W",
      description = "Share of the FER+ vote distribution in the target (default: ${DEFAULT-VALUE}).")
  public float softWeight = 0.5f;

  @Option(names = "--ferplus", paramLabel = "FILE", description = "FER+ votes file (default: fer2013new.csv beside --data).")
  public Path ferPlus;

  /**
   * Logit adjustment for class imbalance (Menon et al., 2021): the loss sees {@code logits + tau *
   * log(prior)}, the served network its plain logits, which moves decisions towards rare classes.
   */
  @Option(names = "--class-balance", paramLabel = "TAU",
      description = {"Logit-adjusted loss for rare classes: tau times the log of each class's training share",
          "is added to the logits inside the loss only; 0 = off (default: ${DEFAULT-VALUE})."})
  public float classBalance = 0f;

  /** Trained runs (or model artifacts) whose averaged predictions the network also learns from. */
  @Option(names = "--teacher", paramLabel = "RUN", arity = "1..*",
      description = {"Distil from these trained runs or artifacts (any stem): their averaged probabilities",
          "of each augmented batch, at --distill-temperature, join the loss with --distill-weight."})
  public List<Path> teachers = new ArrayList<>();

  @Option(names = "--distill-weight", paramLabel = "W",
      description = "Share of the teachers' probabilities in the target (default: ${DEFAULT-VALUE}).")
  public float distillWeight = 0.5f;

  @Option(names = "--distill-temperature", paramLabel = "T",
      description = "Softmax temperature of the teachers and of the student's distillation term (default: ${DEFAULT-VALUE}).")
  public float distillTemperature = 2f;

  @Option(names = "--epochs", paramLabel = "N", description = "Epochs (default: ${DEFAULT-VALUE}).")
  public int epochs = 30;

  @Option(names = "--batch-size", paramLabel = "N", description = "Batch size (default: ${DEFAULT-VALUE}).")
  public int batchSize = 64;

  /** Stop when validation accuracy has not improved for this many epochs; 0 = never. */
  @Option(names = "--early-stopping", paramLabel = "N",
      description = "Stop after N epochs without a better validation accuracy; 0 = off (default: ${DEFAULT-VALUE}).")
  public int earlyStoppingPatience = 0;

  // augmentation (see augmentation())
  @Option(names = "--no-augment", description = "Train without augmentation.")
  public boolean noAugment;

  @Option(names = "--aug-shift", paramLabel = "F", description = "Largest shift, fraction of the side (default: ${DEFAULT-VALUE}).")
  public double augShift = Augmentation.DEFAULT.shift();

  @Option(names = "--aug-flip", negatable = true, fallbackValue = "true",
      description = "Random horizontal flip (default: ${DEFAULT-VALUE}).")
  public boolean augFlip = Augmentation.DEFAULT.flip();

  @Option(names = "--aug-rotate", paramLabel = "DEG", description = "Largest rotation in degrees (default: ${DEFAULT-VALUE}).")
  public double augRotate = Augmentation.DEFAULT.rotationDegrees();

  @Option(names = "--aug-scale", paramLabel = "F", description = "Largest zoom change (default: ${DEFAULT-VALUE}).")
  public double augScale = Augmentation.DEFAULT.scale();

  @Option(names = "--aug-brightness", paramLabel = "F", description = "Largest brightness change (default: ${DEFAULT-VALUE}).")
  public double augBrightness = Augmentation.DEFAULT.brightness();

  @Option(names = "--aug-contrast", paramLabel = "F", description = "Largest contrast change (default: ${DEFAULT-VALUE}).")
  public double augContrast = Augmentation.DEFAULT.contrast();

  @Option(names = "--aug-erase", paramLabel = "P",
      description = {"Random erasing: share of samples with one rectangle (2-25%% of the face, aspect 0.3-3.3)",
          "set to the mean grey (default: ${DEFAULT-VALUE})."})
  public double augErase = Augmentation.DEFAULT.erase();

  // run control
  @Option(names = "--resume", description = "Continue the interrupted run in --output from its checkpoint.")
  public boolean resume;

  /** Stop (as if interrupted) after this many epochs of this invocation; 0 = run to the end. */
  @Option(names = "--stop-after", paramLabel = "N", hidden = true,
      description = "Stop after N epochs of this invocation, as an interruption would (tests).")
  public int stopAfterEpochs;

  public int evalBatchSize = 256;

  /** Whether to draw a progress bar ({@code --no-progress} turns it off). */
  public boolean progress = true;

  @Option(names = "--no-progress", description = "No progress bar.")
  void noProgress(boolean off) {
    progress = !off;
  }

  /** The random changes of training samples: none with {@code --no-augment}. */
  public Augmentation augmentation() {
    return noAugment ? Augmentation.NONE
        : new Augmentation(augShift, augFlip, augRotate, augScale, augBrightness, augContrast, augErase);
  }

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
    if (softTargets != null && !"ferplus".equalsIgnoreCase(softTargets)) {
      p.add("--soft-targets knows ferplus only, not '" + softTargets + "'");
    }
    if (softWeight < 0 || softWeight > 1) {
      p.add("--soft-weight must be within [0, 1]: " + softWeight);
    }
    if (classBalance < 0 || classBalance > 3) {
      p.add("--class-balance must be within [0, 3]: " + classBalance);
    }
    if (distillWeight < 0 || distillWeight > 1) {
      p.add("--distill-weight must be within [0, 1]: " + distillWeight);
    }
    if (!(distillTemperature >= 1 && distillTemperature <= 20)) {
      p.add("--distill-temperature must be within [1, 20]: " + distillTemperature);
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
    f.put("augmentation", augmentation().toString());
    f.put("label_smoothing", Float.toString(labelSmoothing));
    f.put("weight_decay", Float.toString(effectiveWeightDecay()));
    f.put("train_limit", Integer.toString(trainLimit));
    // added later: only recorded when not the old behaviour, so older checkpoints still resume
    if (stem != ResNet18.Stem.IMAGENET) {
      f.put("stem", stem.optionName());
    }
    if (softTargets != null) {
      f.put("soft_targets", softTargets.toLowerCase(Locale.ROOT) + " " + softWeight);
    }
    if (classBalance > 0) {
      f.put("class_balance", Float.toString(classBalance));
    }
    if (!teachers.isEmpty()) {
      f.put("teachers", teachers.stream().map(t -> String.valueOf(t.getFileName())).toList() + " " + distillWeight
          + " T" + distillTemperature);
    }
    return f;
  }

  /**
   * Shows each option's default as its initial value above, written as it is typed: {@code 1}, not
   * {@code 1.0}; {@code sgd}, not {@code SGD}. Options of other classes keep their own defaults.
   */
  public static final class Defaults implements IDefaultValueProvider {
    @Override
    public String defaultValue(ArgSpec arg) {
      if (!(arg instanceof OptionSpec option && option.userObject() instanceof Field field
          && field.getDeclaringClass() == TrainingOptions.class)) {
        return null;
      }
      Object value = option.initialValue();
      if (value == null || value instanceof java.util.Collection<?>) {
        return null; // a list's default is its empty initial value, not the text "[]"
      }
      if (value instanceof ResNet18.Stem stem) {
        return stem.optionName();
      }
      if (value instanceof Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
      }
      String text = value.toString();
      return (value instanceof Double || value instanceof Float) && text.endsWith(".0")
          ? text.substring(0, text.length() - 2) : text;
    }
  }

  private static <E extends Enum<E>> E enumOption(String option, Class<E> type, String value) {
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(value)) {
        return e;
      }
    }
    throw new TypeConversionException(option + " must be one of " + Arrays.toString(type.getEnumConstants())
        .toLowerCase(Locale.ROOT) + ", got '" + value + "'");
  }

  static final class OptimizerConverter implements ITypeConverter<OptimizerKind> {
    @Override
    public OptimizerKind convert(String value) {
      return enumOption("--optimizer", OptimizerKind.class, value);
    }
  }

  /** {@code imagenet}, {@code no-pool} (or {@code nopool}), {@code s1}. */
  public static final class StemConverter implements ITypeConverter<ResNet18.Stem> {
    @Override
    public ResNet18.Stem convert(String value) {
      return enumOption("--stem", ResNet18.Stem.class, value.replace('-', '_').replace("NOPOOL", "NO_POOL")
          .replace("nopool", "no_pool"));
    }
  }

  static final class ScheduleConverter implements ITypeConverter<LearningRateSchedule.Kind> {
    @Override
    public LearningRateSchedule.Kind convert(String value) {
      return enumOption("--schedule", LearningRateSchedule.Kind.class, value);
    }
  }
}
