package io.emotionstream.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.emotionstream.emotion.TestTimeAugmentation;
import io.emotionstream.model.ModelArtifact;
import io.emotionstream.model.ModelMetadata;
import io.emotionstream.torch.Precision;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Scores a model artifact on a labelled dataset. The dataset's classes are matched to the model's
 * labels by name ({@link EmotionLabels#canonical}: {@code fear} matches {@code fearful}); when only
 * some of the model's classes are evaluated, its prediction is the best of those outputs. Faces are
 * prepared as in training (resized to the model's input, normalised per its metadata, grey value
 * replicated for RGB models), without augmentation.
 */
public final class ModelEvaluation {

  private ModelEvaluation() {}

  /**
   * @param classes comma-separated dataset classes to evaluate; null = the model's labels
   * @param usage the split ({@code Usage} value or split folder)
   * @throws IllegalArgumentException when a class is unknown to the model
   */
  public static Result evaluate(Path modelDirectory, Path data, String usage, String classes, int batchSize) {
    return evaluate(modelDirectory, data, usage, classes, batchSize, TestTimeAugmentation.NONE);
  }

  /**
   * @param tta views of each face whose probabilities are averaged (test-time augmentation)
   */
  public static Result evaluate(Path modelDirectory, Path data, String usage, String classes, int batchSize,
      TestTimeAugmentation tta) {
    return evaluate(ModelArtifact.open(modelDirectory), data, usage, classes, batchSize, tta, null);
  }

  /**
   * @param ferplus score against these FER+ majority labels instead of the file's labels; null: the file's
   */
  public static Result evaluate(ModelArtifact artifact, Path data, String usage, String classes, int batchSize,
      TestTimeAugmentation tta, FerPlusLabels ferplus) {
    return evaluate(artifact, data, usage, classes, batchSize, tta, ferplus, 0);
  }

  /**
   * @param faceSize when positive, score the faces as seen at this side in pixels
   *     ({@link FaceResolution}); 0: as they are
   */
  public static Result evaluate(ModelArtifact artifact, Path data, String usage, String classes, int batchSize,
      TestTimeAugmentation tta, FerPlusLabels ferplus, int faceSize) {
    return evaluate(artifact, data, usage, classes, batchSize, tta, ferplus, faceSize, null);
  }

  /**
   * @param served null: score the trained network (as training validates it); a precision: the
   *     network as the processor serves it ({@link ModelArtifact#load(Device, Precision)}: ResNet-18
   *     folded, on prepacked convolutions, in that precision where the CPU allows)
   */
  public static Result evaluate(ModelArtifact artifact, Path data, String usage, String classes, int batchSize,
      TestTimeAugmentation tta, FerPlusLabels ferplus, int faceSize, Precision served) {
    Path modelDirectory = artifact.directory();
    ModelMetadata m = artifact.metadata();
    String requested = classes != null && !classes.isBlank() ? classes : String.join(",", m.labels());
    LabelledFaces faces = FaceDatasets.read(data, requested, List.of(usage), ferplus).get(usage);
    if (faceSize > 0) {
      faces = FaceResolution.atSide(faces, faceSize);
    }
    int[] outputOfClass = outputsFor(faces.classes(), m.labels(), modelDirectory);
    if (m.inputWidth() != m.inputHeight()) {
      throw new IllegalArgumentException("model " + modelDirectory + " has a non-square input " + m.inputWidth()
          + "x" + m.inputHeight() + "; evaluate supports square inputs");
    }
    double[] mean = m.mean();
    double[] std = m.std();
    if (m.channels() == 3 && mean.length == 1) {
      mean = new double[] {mean[0], mean[0], mean[0]};
      std = new double[] {std[0], std[0], std[0]};
    }
    InputEncoder encoder = new InputEncoder(m.inputWidth(), mean, std);
    try (NDManager manager = NDManager.newBaseManager(Device.cpu());
        Model servedModel = served == null ? null : artifact.load(Device.cpu(), served)) {
      Block block = servedModel == null ? artifact.newBlock(manager) : servedModel.getBlock();
      ParameterStore store = new ParameterStore(manager, false);
      UnaryOperator<NDList> forward = input -> block.forward(store, input, false);
      float[][] logits = Predictions.logits(manager, faces, encoder, batchSize, forward, tta);
      return new Result(m, data, usage, tta, ferplus == null ? LABELS_FILE : LABELS_FERPLUS,
          Predictions.score(logits, faces, outputOfClass), faces, logits, outputOfClass, List.of(m),
          servedModel == null ? null : artifact.computesIn(servedModel));
    }
  }

  /**
   * The ensemble of models evaluated on the same faces: each face's probabilities over the evaluated
   * classes averaged over the members (each member's softmax of its own outputs, with its own
   * test-time augmentation already averaged in). Its {@link Result#logits} are the logarithms of
   * those averages, so {@link Result#probabilities} and the loss read the averaged probabilities.
   *
   * @param members results of {@link #evaluate} on the same data, split, classes and labels
   * @throws IllegalArgumentException when the members were not evaluated on the same faces
   */
  public static Result ensemble(List<Result> members) {
    if (members.isEmpty()) {
      throw new IllegalArgumentException("an ensemble needs at least one model");
    }
    Result first = members.get(0);
    int n = first.faces().size();
    int classes = first.outputOfClass().length;
    for (Result r : members) {
      if (r.faces().size() != n || !r.faces().classes().equals(first.faces().classes())
          || !r.usage().equals(first.usage()) || !r.labels().equals(first.labels())) {
        throw new IllegalArgumentException("models evaluated on different faces cannot be averaged: "
            + r.model().name() + " on " + r.faces().size() + " faces of " + r.faces().classes() + " (" + r.usage()
            + ", labels " + r.labels() + "), " + first.model().name() + " on " + n + " of " + first.faces().classes());
      }
      for (int i = 0; i < n; i++) {
        if (r.faces().label(i) != first.faces().label(i)) {
          throw new IllegalArgumentException("models evaluated on different faces cannot be averaged: face " + i
              + " has label " + r.faces().label(i) + " for " + r.model().name() + ", " + first.faces().label(i)
              + " for " + first.model().name());
        }
      }
    }
    float[][] logits = new float[n][classes];
    for (int i = 0; i < n; i++) {
      double[] mean = new double[classes];
      for (Result r : members) {
        double[] p = r.probabilities(i);
        for (int c = 0; c < classes; c++) {
          mean[c] += p[c] / members.size();
        }
      }
      for (int c = 0; c < classes; c++) {
        logits[i][c] = (float) Math.log(Math.max(mean[c], Double.MIN_NORMAL));
      }
    }
    int[] identity = java.util.stream.IntStream.range(0, classes).toArray();
    List<ModelMetadata> all = members.stream().flatMap(r -> r.members().stream()).toList();
    return new Result(first.model(), first.data(), first.usage(), first.tta(), first.labels(),
        Predictions.score(logits, first.faces(), identity), first.faces(), logits, identity, all,
        sameServedPrecision(members));
  }

  /** {@link Result#labels()}: the dataset's own labels. */
  public static final String LABELS_FILE = "file";
  /** {@link Result#labels()}: FER+ majority labels ({@link FerPlusLabels}). */
  public static final String LABELS_FERPLUS = "ferplus";

  /**
   * For each dataset class, the index of the model label with the same (canonical) name.
   *
   * @throws IllegalArgumentException naming the classes the model does not know
   */
  static int[] outputsFor(List<String> dataClasses, List<String> modelLabels, Path model) {
    int[] out = new int[dataClasses.size()];
    List<String> unknown = new java.util.ArrayList<>();
    for (int c = 0; c < out.length; c++) {
      out[c] = ClassSelection.indexOf(modelLabels, dataClasses.get(c));
      if (out[c] < 0) {
        unknown.add(dataClasses.get(c));
      }
    }
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("class(es) " + unknown + " unknown to the model " + model + " (labels "
          + modelLabels + ")");
    }
    return out;
  }

  /** The members' common served precision, or null where they differ or scored the trained network. */
  private static Precision sameServedPrecision(List<Result> members) {
    Precision first = members.get(0).servedIn();
    return members.stream().allMatch(r -> r.servedIn() == first) ? first : null;
  }

  /**
   * The evaluation of one model on one split.
   *
   * @param labels where the true labels came from: {@link #LABELS_FILE} or {@link #LABELS_FERPLUS}
   * @param faces the evaluated faces, in order
   * @param logits the network's outputs per face
   * @param outputOfClass for each class of {@code faces}, its network output
   * @param members the models whose probabilities were averaged ({@link #ensemble}); one for a single model,
   *     which is then {@code model}
   * @param servedIn what the served network computed in ({@code FLOAT32} or {@code BFLOAT16}); null
   *     where the trained network was scored, or the members of an ensemble differ
   */
  public record Result(ModelMetadata model, Path data, String usage, TestTimeAugmentation tta, String labels,
      Predictions.Score score, LabelledFaces faces, float[][] logits, int[] outputOfClass,
      List<ModelMetadata> members, Precision servedIn) {

    /** "name version" of the model, or of each member joined by " + " for an ensemble. */
    public String modelName() {
      return members.stream().map(m -> m.name() + " " + m.version()).collect(java.util.stream.Collectors.joining(" + "));
    }

    /** Probabilities over the evaluated classes (softmax of their outputs) of face {@code i}. */
    public double[] probabilities(int i) {
      double max = Double.NEGATIVE_INFINITY;
      for (int o : outputOfClass) {
        max = Math.max(max, logits[i][o]);
      }
      double[] p = new double[outputOfClass.length];
      double sum = 0;
      for (int c = 0; c < p.length; c++) {
        p[c] = Math.exp(logits[i][outputOfClass[c]] - max);
        sum += p[c];
      }
      for (int c = 0; c < p.length; c++) {
        p[c] /= sum;
      }
      return p;
    }

    /** Minimum confidences the abstention table is computed for. */
    public static final double[] ABSTENTION_THRESHOLDS = {0.3, 0.4, 0.5, 0.6, 0.7};

    /**
     * What an abstention below a minimum confidence ({@code emotion.min-confidence}) costs and
     * gains: for each threshold, the share of faces still named ({@code coverage}), the accuracy on
     * those ({@code accuracy}), and the share of all faces named correctly ({@code correct}).
     */
    public List<Map<String, Object>> abstention() {
      List<Map<String, Object>> rows = new java.util.ArrayList<>();
      for (double t : ABSTENTION_THRESHOLDS) {
        int named = 0;
        int right = 0;
        for (int i = 0; i < faces.size(); i++) {
          double[] p = probabilities(i);
          int best = 0;
          for (int c = 1; c < p.length; c++) {
            if (p[c] > p[best]) {
              best = c;
            }
          }
          if (p[best] >= t) {
            named++;
            right += best == faces.label(i) ? 1 : 0;
          }
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("min_confidence", t);
        row.put("coverage", ConfusionMatrix.round(named / (double) faces.size()));
        row.put("accuracy", ConfusionMatrix.round(named == 0 ? 0 : right / (double) named));
        row.put("correct", ConfusionMatrix.round(right / (double) faces.size()));
        rows.add(row);
      }
      return rows;
    }

    /** The {@code evaluate --json} object. */
    public Map<String, Object> toJsonMap() {
      Map<String, Object> out = new LinkedHashMap<>();
      if (members.size() > 1) {
        out.put("model", "ensemble");
        out.put("members", members.stream().map(m -> Map.of("model", m.name(), "version", m.version())).toList());
      } else {
        out.put("model", model.name());
        out.put("version", model.version());
      }
      out.put("data", String.valueOf(data.getFileName()));
      out.put("usage", usage);
      out.put("tta", tta.configName());
      out.put("flip_tta", tta == TestTimeAugmentation.FLIP);
      out.put("labels_source", labels);
      out.putAll(score.confusion().toJsonMap());
      out.put("loss", ConfusionMatrix.round(score.loss()));
      out.put("abstention", abstention());
      return out;
    }
  }
}
