package io.emotionstream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.emotionstream.train.ConfusionMatrix;
import io.emotionstream.train.ModelEvaluation;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code evaluate}: accuracy, macro-F1, per-class precision/recall/F1 and the confusion matrix of a
 * model artifact on a labelled dataset split. With {@code --json} stdout gets exactly one JSON
 * object: {@code accuracy}, {@code macro_f1}, {@code per_class}, {@code labels}, {@code confusion}
 * (rows = true class), {@code count}, plus {@code model}, {@code version}, {@code data},
 * {@code usage}, {@code flip_tta}, {@code loss}.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = "Evaluate a model artifact on a labelled dataset split (classes matched to the model's labels by name).")
public final class EvaluateCommand implements Callable<Integer> {

  @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model artifact directory.")
  Path model;

  @Option(names = "--data", required = true, paramLabel = "PATH",
      description = "FER2013 Kaggle CSV (.csv or .csv.gz) or a folder tree <split>/<class>/*.png|jpg.")
  Path data;

  @Option(names = "--usage", defaultValue = "PublicTest", paramLabel = "NAME",
      description = "Usage value (CSV) or split folder to evaluate (default: ${DEFAULT-VALUE}).")
  String usage;

  @Option(names = "--classes", paramLabel = "LIST",
      description = "Dataset classes to evaluate, matched to the model's labels by name (default: the model's labels).")
  String classes;

  @Option(names = "--batch-size", paramLabel = "N", defaultValue = "256", description = "Inference batch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--flip-tta", description = "Average the outputs for each face and its mirror image.")
  boolean flip;

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    ModelEvaluation.Result result = ModelEvaluation.evaluate(model, data, usage, classes, batchSize, flip);
    if (json) {
      System.out.println(new ObjectMapper().writeValueAsString(result.toJsonMap()));
    } else {
      System.out.print(table(result));
    }
    return 0;
  }

  static String table(ModelEvaluation.Result result) {
    ConfusionMatrix cm = result.score().confusion();
    StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%s %s on %s (%s): %d faces%n",
        result.model().name(), result.model().version(), result.data().getFileName(), result.usage(), cm.count()));
    s.append(String.format(Locale.ROOT, "accuracy %.4f  macro-F1 %.4f  loss %.4f%n%n", cm.accuracy(), cm.macroF1(),
        result.score().loss()));
    s.append(String.format(Locale.ROOT, "%-10s %9s %9s %9s %8s%n", "class", "precision", "recall", "f1", "support"));
    for (int c = 0; c < cm.labels().size(); c++) {
      s.append(String.format(Locale.ROOT, "%-10s %9.4f %9.4f %9.4f %8d%n", cm.labels().get(c), cm.precision(c),
          cm.recall(c), cm.f1(c), cm.support(c)));
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
