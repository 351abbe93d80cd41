package io.emotionstream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.emotionstream.emotion.EmotionModels;
import io.emotionstream.model.ModelArtifact;
import io.emotionstream.train.ConfusionMatrix;
import io.emotionstream.train.EvaluationReport;
import io.emotionstream.train.FerCsvReader;
import io.emotionstream.emotion.TestTimeAugmentation;
import io.emotionstream.train.FerPlusLabels;
import io.emotionstream.train.ModelEvaluation;
import io.emotionstream.torch.Precision;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code evaluate}: accuracy, macro-F1, per-class precision/recall/F1 and the confusion matrix of a
 * model artifact on a labelled dataset split. With {@code --json} stdout gets exactly one JSON
 * object: {@code accuracy}, {@code macro_f1}, {@code per_class}, {@code labels}, {@code confusion}
 * (rows = true class), {@code count}, plus {@code model}, {@code version}, {@code data},
 * {@code usage}, {@code flip_tta}, {@code labels_source}, {@code loss}. {@code --report DIR} also
 * writes the confusion matrix and the most confident mistakes as pictures ({@link EvaluationReport});
 * {@code --labels ferplus} scores against the FER+ majority labels ({@link FerPlusLabels}).
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = "Evaluate a model artifact on a labelled dataset split (classes matched to the model's labels by name).")
public final class EvaluateCommand implements Callable<Integer> {

  @Option(names = "--model", paramLabel = "DIR|NAME",
      description = {"Model artifact directory, or faceapi-expression (default: the bundled model, models/fer-resnet18).",
          "Repeat it to score an ensemble: each face's probabilities averaged over the models (each model's own",
          "accuracy is printed on stderr)."})
  List<String> models = new ArrayList<>();

  @Option(names = "--data", required = true, paramLabel = "PATH",
      description = "FER2013 Kaggle CSV (.csv or .csv.gz) or a folder tree <split>/<class>/*.png|jpg.")
  Path data;

  @Option(names = "--usage", defaultValue = "PublicTest", paramLabel = "NAME",
      description = "Usage value (CSV) or split folder to evaluate (default: ${DEFAULT-VALUE}).")
  String usage;

  @Option(names = "--classes", paramLabel = "LIST",
      description = "Dataset classes to evaluate, matched to the model's labels by name (default: the model's labels).")
  String classes;

  @Option(names = "--labels", defaultValue = "file", paramLabel = "file|ferplus",
      description = {"True labels: the data file's own (default), or the FER+ majority of 10 annotators' votes",
          "(FER2013 CSV only; rows without a clear majority among the 7 emotions are left out)."})
  String labels;

  @Option(names = "--ferplus", paramLabel = "FILE",
      description = "FER+ votes (fer2013new.csv) for --labels ferplus (default: fer2013new.csv beside --data).")
  Path ferplus;

  @Option(names = "--batch-size", paramLabel = "N", defaultValue = "256", description = "Inference batch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--flip-tta", description = "Same as --tta flip: average each face with its mirror image.")
  boolean flip;

  @Option(names = "--tta", paramLabel = "none|flip|ten-crop", defaultValue = "none",
      description = {"Test-time augmentation: probabilities averaged over the face and its mirror image (flip),",
          "or over 5 crops of 44/48 of the face and their mirror images (ten-crop) (default: ${DEFAULT-VALUE})."})
  String tta;

  @Option(names = "--report", paramLabel = "DIR",
      description = "Also write report.json, report.md, confusion.png and mistakes.png into DIR.")
  Path report;

  @Option(names = "--mistakes", paramLabel = "K", defaultValue = "8",
      description = "Most confident mistakes per true class in the report (default: ${DEFAULT-VALUE}).")
  int mistakes;

  @Option(names = "--face-size", paramLabel = "PX", defaultValue = "0",
      description = {"Score the faces as a camera sees faces of PX pixels: scaled down to PX by area averaging and",
          "back up bilinearly, as the processor brings a small face to the model's input (0 = as they are)."})
  int faceSize;

  @Option(names = "--precision", paramLabel = "float32|bfloat16|auto",
      description = {"Score the network as the processor serves it (ResNet-18 folded, on prepacked convolutions)",
          "computing in this precision, as inference.precision sets it (default: the trained network, as",
          "training validates it); the output names what it computed in."})
  String precision;

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    FerPlusLabels votes = switch (labels.toLowerCase(Locale.ROOT)) {
      case "file", "fer2013" -> null;
      case "ferplus", "fer+" -> FerPlusLabels.read(ferplus != null ? ferplus
          : data.resolveSibling("fer2013new.csv"));
      default -> throw new CommandLine.ParameterException(new CommandLine(this),
          "--labels must be file or ferplus, got '" + labels + "'");
    };
    TestTimeAugmentation views;
    try {
      views = flip ? TestTimeAugmentation.FLIP : TestTimeAugmentation.parse(tta);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--tta: " + e.getMessage());
    }
    Precision served;
    try {
      served = precision == null ? null : Precision.parse(precision, "--precision");
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
    }
    List<ModelEvaluation.Result> members = new ArrayList<>();
    for (String model : models.isEmpty() ? java.util.Collections.<String>singletonList(null) : models) {
      ModelArtifact artifact = EmotionModels.resolve(model);
      ModelEvaluation.Result one = ModelEvaluation.evaluate(artifact, data, usage, classes, batchSize, views, votes,
          faceSize, served);
      if (models.size() > 1) {
        ConfusionMatrix cm = one.score().confusion();
        System.err.printf(Locale.ROOT, "%s (%s): accuracy %.4f  macro-F1 %.4f%n", one.modelName(), model, cm.accuracy(),
            cm.macroF1());
      }
      members.add(one);
    }
    ModelEvaluation.Result result = members.size() == 1 ? members.get(0) : ModelEvaluation.ensemble(members);
    String labelRule = null;
    if (votes != null) {
      labelRule = FerPlusLabels.rule() + "; " + FerCsvReader.lastAlignment().describe();
      System.err.println(FerCsvReader.lastAlignment().describe());
    }
    if (report != null) {
      EvaluationReport.write(report, result, mistakes, labelRule);
    }
    if (json) {
      Map<String, Object> out = new LinkedHashMap<>(result.toJsonMap());
      if (faceSize > 0) {
        out.put("face_size", faceSize);
      }
      if (served != null) {
        out.put("requested_precision", served.settingName());
        out.put("served_precision", result.servedIn() == null ? null : result.servedIn().settingName());
      }
      System.out.println(new ObjectMapper().writeValueAsString(out));
    } else {
      if (faceSize > 0) {
        System.out.printf(Locale.ROOT, "faces seen at %d px%n", faceSize);
      }
      if (served != null) {
        System.out.printf(Locale.ROOT, "the served network, in %s (--precision %s)%n",
            result.servedIn() == null ? "mixed precisions" : result.servedIn().settingName(), served.settingName());
      }
      System.out.print(table(result));
    }
    if (report != null) {
      System.err.println("report written to " + report);
    }
    return 0;
  }

  static String table(ModelEvaluation.Result result) {
    ConfusionMatrix cm = result.score().confusion();
    StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%s%s on %s (%s, labels: %s): %d faces%n",
        result.members().size() > 1 ? "ensemble of " : "", result.modelName(), result.data().getFileName(),
        result.usage(), result.labels(), cm.count()));
    s.append(String.format(Locale.ROOT, "accuracy %.4f  macro-F1 %.4f  loss %.4f%n%n", cm.accuracy(), cm.macroF1(),
        result.score().loss()));
    s.append(String.format(Locale.ROOT, "%-10s %9s %9s %9s %8s%n", "class", "precision", "recall", "f1", "support"));
    for (int c = 0; c < cm.labels().size(); c++) {
      s.append(String.format(Locale.ROOT, "%-10s %9.4f %9.4f %9.4f %8d%n", cm.labels().get(c), cm.precision(c),
          cm.recall(c), cm.f1(c), cm.support(c)));
    }
    s.append(String.format(Locale.ROOT, "%nabstention: %-16s %9s %9s %9s%n", "min confidence", "named", "accuracy",
        "correct"));
    for (Map<String, Object> row : result.abstention()) {
      s.append(String.format(Locale.ROOT, "            %-16.1f %9.3f %9.3f %9.3f%n", (Double) row.get("min_confidence"),
          (Double) row.get("coverage"), (Double) row.get("accuracy"), (Double) row.get("correct")));
    }
    s.append("\nconfusion (rows: true, columns: predicted)\n");
    long[][] counts = cm.counts();
    for (int r = 0; r < counts.length; r++) {
      s.append(String.format(Locale.ROOT, "%-10s", cm.labels().get(r)));
      for (long v : counts[r]) {
        s.append(String.format(Locale.ROOT, " %6d", v));
      }
      s.append('\n');
    }
    return s.toString();
  }
}
