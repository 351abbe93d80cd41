package io.emotionstream.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import io.emotionstream.detect.MtcnnDetector;
import io.emotionstream.emotion.ResNet18;
import io.emotionstream.emotion.ResNet18Architecture;
import io.emotionstream.frame.CropSpec;
import io.emotionstream.model.Colour;
import io.emotionstream.model.ModelArtifact;
import io.emotionstream.model.ModelMetadata;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Trains a ResNet-18 emotion classifier and writes the model artifact, the report and the
 * checkpoints into {@code options.output}:
 *
 * <pre>
 * output/
 *   model/            the artifact (metadata.json + weights.safetensors), best validation epoch
 *   report.json       options, data, per-epoch history, validation metrics of the best epoch
 *   report.md         the same for people, with the two plots
 *   curves.png        loss and accuracy per epoch
 *   confusion.png     validation confusion matrix
 *   checkpoint/       last.safetensors, best.safetensors, optimizer.safetensors (SGD momentum),
 *                     state.json (for --resume)
 * </pre>
 *
 * <p>Reproducibility: with the same options, data and seed, a run makes the same split, the same
 * batches in the same order and the same augmentations (see {@link Seeds}), and starts from the
 * same weights (the engine's seed). What can still differ: PyTorch's multithreaded CPU kernels
 * may sum in another order with another thread count ({@code -Dai.djl.pytorch.num_threads}) or on
 * another CPU (oneDNN picks kernels per instruction set), which changes the last bits and then,
 * over many steps, the trajectory; and with AdamW a resumed run restarts the moment estimates
 * ({@link Checkpoint}), so it is close to, not bit-identical with, an uninterrupted run (with SGD
 * it continues exactly).
 */
public final class TrainingRun {

  /** The artifact sub-directory of the output directory. */
  public static final String MODEL_DIRECTORY = "model";

  private final TrainingOptions o;
  private final PrintStream log;

  /**
   * What a run produced.
   *
   * @param artifact the model artifact directory, or null when the run stopped early on request
   * @param interrupted true when {@code stopAfterEpochs} ended it before the last epoch
   * @param validation the validation metrics of the best epoch (null when interrupted)
   */
  public record Result(Path artifact, Path output, boolean interrupted, int epochsDone, List<EpochStats> history,
      ConfusionMatrix validation) {}

  public TrainingRun(TrainingOptions options, PrintStream log) {
    this.o = options;
    this.log = log;
  }

  public Result run() {
    List<String> problems = o.problems();
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    Checkpoint checkpoint = new Checkpoint(o.output);
    Checkpoint.State resumed = resumedState(checkpoint);
    FerPlusLabels votes = o.softTargets == null ? null
        : FerPlusLabels.read(o.ferPlus != null ? o.ferPlus : o.data.resolveSibling("fer2013new.csv"));
    FaceDatasets.TrainValidation data = limited(FaceDatasets.trainValidation(o.data, o.classes, o.trainUsage,
        o.valUsage, o.valFraction, o.seed, votes));
    List<String> labels = data.train().classes();
    requireEveryClass(data.train(), "training");
    log.printf(Locale.ROOT, "data: %s; train %d (%s) %s, validation %d (%s) %s%n", o.data.getFileName(),
        data.train().size(), data.trainSource(), counts(data.train()), data.validation().size(),
        data.validationSource(), counts(data.validation()));

    if (votes != null) {
      log.printf(Locale.ROOT, "soft targets: FER+ votes (%s) for %d of %d training rows, weight %.2f; %s%n",
          votes.file().getFileName(), data.train().distributionCount(), data.train().size(), o.softWeight,
          FerCsvReader.lastAlignment().describe());
    }
    float[] logitAdjustment = logitAdjustment(data.train());
    CropSpec crop = cropSpec(data.train());
    ModelArtifact parent = o.initModel == null ? null : ModelArtifact.open(o.initModel);
    Normalisation normalisation = normalisation(resumed, parent, data.train());
    String version = resumed != null ? resumed.version()
        : o.version != null ? o.version
        : DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(Instant.now());
    String parentVersion = parent == null ? null : parent.metadata().version();
    InputEncoder encoder = new InputEncoder(o.inputSize, normalisation);

    int stepsPerEpoch = stepsPerEpoch(data.train().size());
    LearningRateSchedule schedule = new LearningRateSchedule(o.schedule, o.effectiveLearningRate(),
        o.minLearningRate, (int) Math.round(o.warmupEpochs * stepsPerEpoch), o.epochs * stepsPerEpoch,
        o.stepEpochs * stepsPerEpoch, o.gamma, o.plateauPatience);
    RunState state = new RunState();
    if (resumed != null) {
      schedule.restore(resumed.schedule());
      state.restore(resumed);
      log.printf(Locale.ROOT, "resuming after epoch %d (%d updates, best %.4f at epoch %d)%n", resumed.epoch(),
          resumed.updates(), resumed.bestAccuracy(), resumed.bestEpoch());
    }

    Engine.getInstance().setRandomSeed((int) o.seed);
    try (Model model = Model.newInstance(o.name, Device.cpu());
        TeacherEnsemble teachers = o.teachers.isEmpty() ? null
            : TeacherEnsemble.load(o.teachers, labels, o.inputSize, o.distillTemperature)) {
      if (teachers != null) {
        log.printf(Locale.ROOT, "distillation from %s: weight %.2f, temperature %.1f%n", teachers.names(),
            o.distillWeight, o.distillTemperature);
      }
      ResNet18 net = new ResNet18(labels.size(), o.stem);
      Optimizer optimizer = optimizer(schedule, state.updates);
      MomentumSgd sgd = optimizer instanceof MomentumSgd m ? m : null;
      try (Trainer trainer = TrainingStep.newTrainer(model, net, optimizer)) {
        TrainingStep trainingStep = new TrainingStep(trainer, optimizer, logitAdjustment, o.distillWeight,
            o.distillTemperature);
        trainer.initialize(new Shape(o.batchSize, 1, o.inputSize, o.inputSize));
        if (resumed != null) {
          Checkpoint.loadWeights(net, checkpoint.lastWeights(), model.getNDManager());
          checkpoint.loadOptimizer(sgd, net, model.getNDManager());
        } else if (parent != null) {
          log.println("init-model: " + InitialWeights.load(net, parent.weightsFile(), model.getNDManager(),
              parent.metadata().labels(), labels));
        } else if (o.initWeights != null) {
          log.println("init-weights: " + InitialWeights.load(net, o.initWeights, model.getNDManager(), null, labels));
        }

        int epochsThisRun = 0;
        boolean stoppedEarly = false;
        for (int epoch = state.epoch + 1; epoch <= o.epochs; epoch++) {
          ResidentMemory.resetPeak();
          EpochStats stats = trainEpoch(trainer, trainingStep, data, encoder, normalisation, teachers, schedule, state,
              epoch)
              .withResidentMemory();
          boolean best = stats.valAccuracy() > state.bestAccuracy;
          if (best) {
            state.bestAccuracy = stats.valAccuracy();
            state.bestEpoch = epoch;
            state.epochsWithoutImprovement = 0;
          } else {
            state.epochsWithoutImprovement++;
          }
          schedule.onValidation(stats.valAccuracy());
          state.epoch = epoch;
          state.history.add(stats);
          checkpoint.save(net, model.getNDManager(), state.toCheckpoint(schedule, normalisation, version,
              parentVersion, o.fingerprint()), best, sgd);

          log.println(stats.line(o.epochs, best));
          epochsThisRun++;
          if (o.earlyStoppingPatience > 0 && state.epochsWithoutImprovement >= o.earlyStoppingPatience) {
            log.printf(Locale.ROOT, "early stop: no better validation accuracy for %d epochs%n",
                state.epochsWithoutImprovement);
            stoppedEarly = true;
            break;
          }
          if (o.stopAfterEpochs > 0 && epochsThisRun >= o.stopAfterEpochs && epoch < o.epochs) {
            log.printf(Locale.ROOT, "stopping after epoch %d as asked; continue with --resume%n", epoch);
            return new Result(null, o.output, true, epoch, List.copyOf(state.history), null);
          }
        }
        if (state.bestEpoch == 0) {
          throw new IllegalStateException("no epoch was trained (checkpoint at epoch " + state.epoch + ")");
        }

        Checkpoint.loadWeights(net, checkpoint.bestWeights(), model.getNDManager());
        Predictions.Score score = validate(trainer, data.validation(), encoder);
        ModelMetadata metadata = metadata(labels, normalisation, version, parentVersion, score, state, crop);
        ModelArtifact artifact = ModelArtifact.write(o.output.resolve(MODEL_DIRECTORY), metadata, net);
        TrainingReport.write(o.output, new TrainingReport(o, data, normalisation, state.history, state.bestEpoch,
            score, artifact.metadata(), stoppedEarly));
        log.printf(Locale.ROOT, "best epoch %d: validation accuracy %.4f, macro-F1 %.4f%n", state.bestEpoch,
            score.confusion().accuracy(), score.confusion().macroF1());
        return new Result(artifact.directory(), o.output, false, state.epoch, List.copyOf(state.history),
            score.confusion());
      }
    }
  }

  /** The training set cut to {@code trainLimit} samples, class proportions kept. */
  private FaceDatasets.TrainValidation limited(FaceDatasets.TrainValidation data) {
    int n = data.train().size();
    if (o.trainLimit <= 0 || o.trainLimit >= n) {
      return data;
    }
    LabelledFaces subset = StratifiedSplit.of(data.train(), (double) o.trainLimit / n, o.seed + 1).validation();
    return new FaceDatasets.TrainValidation(subset, data.validation(),
        data.trainSource() + ", stratified subset of " + subset.size(), data.validationSource());
  }

  private void requireEveryClass(LabelledFaces faces, String set) {
    List<String> empty = new ArrayList<>();
    int[] counts = faces.classCounts();
    for (int c = 0; c < counts.length; c++) {
      if (counts[c] == 0) {
        empty.add(faces.classes().get(c));
      }
    }
    if (!empty.isEmpty()) {
      throw new IllegalArgumentException("the " + set + " set has no samples of " + empty + " in " + o.data
          + "; choose the classes with --classes");
    }
  }

  private Checkpoint.State resumedState(Checkpoint checkpoint) {
    if (!o.resume) {
      if (checkpoint.exists()) {
        throw new IllegalArgumentException(checkpoint.directory() + " holds the checkpoint of an earlier run: pass "
            + "--resume to continue it, or choose another --output");
      }
      return null;
    }
    if (!checkpoint.exists()) {
      throw new IllegalArgumentException("--resume: no checkpoint in " + checkpoint.directory());
    }
    Checkpoint.State s = checkpoint.readState();
    Map<String, String> now = o.fingerprint();
    List<String> changed = new ArrayList<>();
    for (Map.Entry<String, String> e : s.fingerprint().entrySet()) {
      if (!e.getValue().equals(now.get(e.getKey()))) {
        changed.add(e.getKey() + " was " + e.getValue() + ", now " + now.get(e.getKey()));
      }
    }
    if (!changed.isEmpty()) {
      throw new IllegalArgumentException("--resume with other options than the checkpoint's: " + changed);
    }
    return s;
  }

  private Normalisation normalisation(Checkpoint.State resumed, ModelArtifact parent, LabelledFaces train) {
    if (resumed != null) {
      return new Normalisation(resumed.normalisationMean(), resumed.normalisationStd());
    }
    if (parent != null) {
      ModelMetadata m = parent.metadata();
      if (m.colour() != Colour.GREY || !o.stem.architecture().equals(m.architecture())) {
        throw new IllegalArgumentException("--init-model " + o.initModel + " is " + m.architecture() + " "
            + m.colour() + "; this run trains grey " + o.stem.architecture() + " (--stem " + o.stem.optionName()
            + ")");
      }
      return new Normalisation(m.mean()[0], m.std()[0]);
    }
    return o.initWeights != null ? Normalisation.IMAGENET_GREY : Normalisation.of(train);
  }

  private int stepsPerEpoch(int samples) {
    int full = samples / o.batchSize;
    int rest = samples % o.batchSize;
    return full + (rest >= 2 ? 1 : 0);
  }

  private Optimizer optimizer(LearningRateSchedule schedule, int beginUpdates) {
    return switch (o.optimizer) {
      case SGD -> new MomentumSgd(schedule, o.momentum, o.effectiveWeightDecay(), beginUpdates);
      case ADAMW -> Optimizer.adamW().optLearningRateTracker(schedule).optWeightDecays(o.effectiveWeightDecay())
          .optBeginNumUpdate(beginUpdates).build();
    };
  }

  /**
   * {@code tau * log(share of class c)} for the logit-adjusted loss, or null when
   * {@code --class-balance} is off.
   */
  private float[] logitAdjustment(LabelledFaces train) {
    if (o.classBalance <= 0) {
      return null;
    }
    int[] counts = train.classCounts();
    float[] adjustment = new float[counts.length];
    StringBuilder s = new StringBuilder();
    for (int c = 0; c < counts.length; c++) {
      adjustment[c] = (float) (o.classBalance * Math.log((double) counts[c] / train.size()));
      s.append(c == 0 ? "" : ", ").append(train.classes().get(c)).append(String.format(Locale.ROOT, " %+.2f",
          adjustment[c]));
    }
    log.println("class balance: logits inside the loss adjusted by " + s);
    return adjustment;
  }

  private EpochStats trainEpoch(Trainer trainer, TrainingStep trainingStep, FaceDatasets.TrainValidation data,
      InputEncoder encoder, Normalisation normalisation, TeacherEnsemble teachers, LearningRateSchedule schedule,
      RunState state, int epoch) {
    LabelledFaces train = data.train();
    int n = train.size();
    int classes = train.classes().size();
    int[] order = Predictions.identity(n);
    Seeds.shuffle(order, new SplittableRandom(Seeds.mix(o.seed, Seeds.SHUFFLE, epoch)));
    ProgressBar progress = o.progress ? new ProgressBar(log, "epoch " + epoch + "/" + o.epochs, n) : null;
    double lossSum = 0;
    long correct = 0;
    long seen = 0;
    long start = System.nanoTime();
    for (int first = 0; first < n; first += o.batchSize) {
      int b = Math.min(o.batchSize, n - first);
      if (b < 2) {
        break; // batch normalisation cannot train on a single sample
      }
      TrainingBatch batch = TrainingBatch.prepare(train, order, first, b, encoder, o.augmentation(), o.seed, epoch,
          o.labelSmoothing, o.softTargets == null ? 0 : o.softWeight);
      int[] truth = batch.truth();
      Shape shape = new Shape(b, 1, encoder.size(), encoder.size());
      float[] teacher = teachers == null ? null : teachers.probabilities(batch.inputs(), shape, normalisation);
      TrainingStep.Outcome step = trainingStep.run(batch.inputs(), shape, batch.targets(), classes, teacher);
      lossSum += step.loss() * b;
      for (int i = 0; i < b; i++) {
        if (step.predicted()[i] == truth[i]) {
          correct++;
        }
      }
      state.updates++;
      seen += b;
      if (progress != null) {
        progress.update(seen, String.format(Locale.ROOT, "loss %.4f acc %.4f", lossSum / seen, (double) correct / seen));
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (progress != null) {
      progress.finish();
    }
    Predictions.Score val = validate(trainer, data.validation(), encoder);
    return new EpochStats(epoch, lossSum / seen, (double) correct / seen, val.loss(), val.confusion().accuracy(),
        val.confusion().macroF1(), schedule.getNewValue(Math.max(0, state.updates - 1)), seconds, seen / seconds, 0, 0);
  }

  private Predictions.Score validate(Trainer trainer, LabelledFaces validation, InputEncoder encoder) {
    float[][] logits = Predictions.logits(trainer.getManager(), validation, encoder, o.evalBatchSize,
        trainer::evaluate);
    return Predictions.score(logits, validation, Predictions.identity(validation.classes().size()));
  }

  private ModelMetadata metadata(List<String> labels, Normalisation normalisation, String version,
      String parentVersion, Predictions.Score score, RunState state, CropSpec crop) {
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("val_accuracy", ConfusionMatrix.round(score.confusion().accuracy()));
    metrics.put("val_macro_f1", ConfusionMatrix.round(score.confusion().macroF1()));
    metrics.put("val_loss", ConfusionMatrix.round(score.loss()));
    metrics.put("val_count", (double) score.confusion().count());
    metrics.put("best_epoch", (double) state.bestEpoch);
    metrics.put("epochs", (double) state.epoch);
    return new ModelMetadata(ModelMetadata.FORMAT_VERSION, o.name, version, o.stem.architecture(), labels,
        o.inputSize, o.inputSize, 1, Colour.GREY, new double[] {normalisation.mean()},
        new double[] {normalisation.std()}, crop, Instant.now().toString(), metrics, null, null, parentVersion);
  }

  /**
   * How the processor must cut camera faces for this model: aligned to the landmarks measured on
   * the training faces, or the built-in template when measuring is off or finds too few faces.
   */
  private CropSpec cropSpec(LabelledFaces train) {
    if (o.framingSample > 0) {
      long start = System.nanoTime();
      Optional<TrainingFaceFraming.Measurement> measured;
      try (MtcnnDetector detector = new MtcnnDetector()) {
        measured = TrainingFaceFraming.measure(train, o.framingSample, o.seed, detector);
      }
      if (measured.isPresent()) {
        TrainingFaceFraming.Measurement m = measured.get();
        log.printf(Locale.ROOT, "framing: landmarks found on %d of %d training faces (spread %.1f px, %.0f s): %s%n",
            m.found(), m.sampled(), m.spread() * o.inputSize, (System.nanoTime() - start) / 1e9,
            m.describe(o.inputSize));
        CropSpec aligned = CropSpec.alignedTo(o.inputSize, o.inputSize, m.landmarks());
        return new CropSpec(o.inputSize, o.inputSize, CropSpec.Framing.ALIGNED,
            o.cropMargin == null ? 0.0 : o.cropMargin, aligned.landmarks());
      }
      log.printf(Locale.ROOT, "framing: landmarks found on too few training faces (fewer than %d of %d); "
          + "built-in template%n", TrainingFaceFraming.MIN_FOUND, Math.min(o.framingSample, train.size()));
    }
    return new CropSpec(o.inputSize, o.inputSize, CropSpec.Framing.ALIGNED,
        o.cropMargin == null ? TrainingOptions.DEFAULT_CROP_MARGIN : o.cropMargin);
  }

  private static String counts(LabelledFaces faces) {
    StringBuilder s = new StringBuilder("{");
    int[] counts = faces.classCounts();
    for (int c = 0; c < counts.length; c++) {
      s.append(c == 0 ? "" : ", ").append(faces.classes().get(c)).append('=').append(counts[c]);
    }
    return s.append('}').toString();
  }

  /** The counters a checkpoint carries. */
  private static final class RunState {
    int epoch;
    int updates;
    double bestAccuracy = -1;
    int bestEpoch;
    int epochsWithoutImprovement;
    final List<EpochStats> history = new ArrayList<>();

    void restore(Checkpoint.State s) {
      epoch = s.epoch();
      updates = s.updates();
      bestAccuracy = s.bestAccuracy();
      bestEpoch = s.bestEpoch();
      epochsWithoutImprovement = s.epochsWithoutImprovement();
      history.addAll(s.history());
    }

    Checkpoint.State toCheckpoint(LearningRateSchedule schedule, Normalisation normalisation, String version,
        String parentVersion, Map<String, String> fingerprint) {
      return new Checkpoint.State(epoch, updates, bestAccuracy, bestEpoch, epochsWithoutImprovement,
          schedule.state(), normalisation.mean(), normalisation.std(), version, parentVersion, fingerprint,
          List.copyOf(history));
    }
  }
}
