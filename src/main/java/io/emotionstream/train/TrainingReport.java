package io.emotionstream.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.emotionstream.model.ModelMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The end-of-run report: {@code report.json} (for tools), {@code report.md} (for people) and the
 * plots {@code curves.png} and {@code confusion.png} ({@link Charts}), all in the output directory.
 */
public record TrainingReport(TrainingOptions options, FaceDatasets.TrainValidation data,
    Normalisation normalisation, List<EpochStats> history, int bestEpoch, Predictions.Score validation,
    ModelMetadata model, boolean stoppedEarly) {

  public static final String JSON_FILE = "report.json";
  public static final String MARKDOWN_FILE = "report.md";
  public static final String CURVES_FILE = "curves.png";
  public static final String CONFUSION_FILE = "confusion.png";

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Writes the four files into {@code directory}. */
  public static void write(Path directory, TrainingReport report) {
    try {
      Files.createDirectories(directory);
      JSON.writeValue(directory.resolve(JSON_FILE).toFile(), report.toJsonMap());
      Files.writeString(directory.resolve(MARKDOWN_FILE), report.toMarkdown());
      Charts.writeCurves(report.history(), directory.resolve(CURVES_FILE));
      Charts.writeConfusion(report.validation().confusion(), directory.resolve(CONFUSION_FILE));
    } catch (IOException e) {
      throw new UncheckedIOException(directory + ": cannot write the report: " + e.getMessage(), e);
    }
  }

  Map<String, Object> toJsonMap() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("model", Map.of("name", model.name(), "version", model.version(),
        "architecture", model.architecture(), "weights_sha256", model.weightsSha256()));
    if (model.parentVersion() != null) {
      out.put("parent_version", model.parentVersion());
    }
    out.put("labels", model.labels());
    out.put("input_size", options.inputSize);
    out.put("normalisation", Map.of("mean", normalisation.mean(), "std", normalisation.std()));
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("file", String.valueOf(options.data.getFileName()));
    data.put("train", Map.of("source", this.data.trainSource(),
        "count", this.data.train().size(), "per_class", perClass(this.data.train())));
    data.put("validation", Map.of("source", this.data.validationSource(), "count", this.data.validation().size(),
        "per_class", perClass(this.data.validation())));
    out.put("data", data);
    if (options.commandLine != null) {
      out.put("command", options.commandLine);
    }
    out.put("options", options.fingerprint());
    out.put("best_epoch", bestEpoch);
    out.put("stopped_early", stoppedEarly);
    out.put("epochs", history);
    out.put("timing", timing());
    out.put("validation", validation.confusion().toJsonMap());
    out.put("validation_loss", ConfusionMatrix.round(validation.loss()));
    return out;
  }

  private static Map<String, Integer> perClass(LabelledFaces faces) {
    Map<String, Integer> m = new LinkedHashMap<>();
    int[] counts = faces.classCounts();
    for (int c = 0; c < counts.length; c++) {
      m.put(faces.classes().get(c), counts[c]);
    }
    return m;
  }

  /** Mean seconds per epoch and images per second of the training passes (the first one left out when there are more, as it includes warm-up). */
  Map<String, Object> timing() {
    List<EpochStats> steady = history.size() > 1 ? history.subList(1, history.size()) : history;
    double seconds = steady.stream().mapToDouble(EpochStats::seconds).average().orElse(0);
    double rate = steady.stream().mapToDouble(EpochStats::imagesPerSecond).average().orElse(0);
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("seconds_per_epoch", ConfusionMatrix.round(seconds));
    t.put("train_images_per_second", ConfusionMatrix.round(rate));
    t.put("batch_size", options.batchSize);
    t.put("threads", System.getProperty("ai.djl.pytorch.num_threads", "default"));
    String preload = System.getenv("LD_PRELOAD");
    t.put("jemalloc", preload != null && preload.contains("jemalloc"));
    return t;
  }

  String toMarkdown() {
    ConfusionMatrix cm = validation.confusion();
    StringBuilder md = new StringBuilder();
    md.append("# Training report: ").append(model.name()).append(' ').append(model.version()).append("\n\n");
    md.append(String.format(Locale.ROOT, "- validation (%s, %d faces): **accuracy %.4f**, **macro-F1 %.4f**, loss %.4f%n",
        data.validationSource(), cm.count(), cm.accuracy(), cm.macroF1(), validation.loss()));
    md.append(String.format(Locale.ROOT, "- best epoch %d of %d%s%n", bestEpoch, history.size(),
        stoppedEarly ? " (stopped early)" : ""));
    md.append("- training set: ").append(data.trainSource()).append(", ").append(data.train().size())
        .append(" faces\n");
    md.append("- labels: ").append(String.join(", ", model.labels())).append('\n');
    md.append(String.format(Locale.ROOT, "- input %dx%d grey, normalisation (v - %.3f) / %.3f, crop %s margin %.2f%n",
        model.inputWidth(), model.inputHeight(), normalisation.mean(), normalisation.std(), model.crop().framing(),
        model.crop().margin()));
    Map<String, Object> t = timing();
    md.append(String.format(Locale.ROOT, "- training speed: %.1f s per epoch, %.0f images/s (batch %d, jemalloc %s)%n",
        (Double) t.get("seconds_per_epoch"), (Double) t.get("train_images_per_second"), options.batchSize,
        t.get("jemalloc")));
    if (model.parentVersion() != null) {
      md.append("- fine-tuned from version ").append(model.parentVersion()).append('\n');
    }
    if (options.commandLine != null) {
      md.append("\n## Command\n\n```\n").append(options.commandLine).append("\n```\n");
    }
    md.append("\n## Options\n\n| option | value |\n|---|---|\n");
    options.fingerprint().forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));

    md.append("\n## Per class (validation)\n\n| class | precision | recall | F1 | support |\n|---|---|---|---|---|\n");
    for (int c = 0; c < cm.labels().size(); c++) {
      md.append(String.format(Locale.ROOT, "| %s | %.4f | %.4f | %.4f | %d |%n", cm.labels().get(c), cm.precision(c),
          cm.recall(c), cm.f1(c), cm.support(c)));
    }
    md.append("\n## Confusion matrix (rows: true class, columns: predicted)\n\n| |");
    cm.labels().forEach(l -> md.append(' ').append(l).append(" |"));
    md.append("\n|---|").append("---|".repeat(cm.labels().size())).append('\n');
    long[][] counts = cm.counts();
    for (int r = 0; r < counts.length; r++) {
      md.append("| ").append(cm.labels().get(r)).append(" |");
      for (long v : counts[r]) {
        md.append(' ').append(v).append(" |");
      }
      md.append('\n');
    }
    md.append("\n![confusion matrix](").append(CONFUSION_FILE).append(")\n");

    md.append("\n## Epochs\n\n| epoch | train loss | train acc | val loss | val acc | val macro-F1 | lr | s | img/s |\n")
        .append("|---|---|---|---|---|---|---|---|---|\n");
    for (EpochStats e : history) {
      md.append(String.format(Locale.ROOT, "| %d%s | %.4f | %.4f | %.4f | %.4f | %.4f | %.5f | %.1f | %.0f |%n",
          e.epoch(), e.epoch() == bestEpoch ? " *" : "", e.trainLoss(), e.trainAccuracy(), e.valLoss(),
          e.valAccuracy(), e.valMacroF1(), e.learningRate(), e.seconds(), e.imagesPerSecond()));
    }
    md.append("\n![training curves](").append(CURVES_FILE).append(")\n");
    return md.toString();
  }
}
