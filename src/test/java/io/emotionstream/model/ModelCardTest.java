package io.emotionstream.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.emotionstream.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/model-card.md} says what the shipped model's evaluation report, metadata and training
 * report say: every figure of the card is read back from it and compared, so that a new model, or
 * an edit of the card, cannot leave it stale.
 */
class ModelCardTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static String card;
  private static JsonNode evaluation;
  private static JsonNode metadata;
  private static JsonNode training;

  @BeforeAll
  static void read() throws Exception {
    card = Files.readString(Path.of("docs/model-card.md"));
    evaluation = JSON.readTree(Path.of("docs/model/eval-publictest/report.json").toFile());
    metadata = JSON.readTree(Path.of("models/fer-resnet18/metadata.json").toFile());
    training = JSON.readTree(Path.of("docs/model/report.json").toFile());
  }

  private static String three(double v) {
    return String.format(Locale.ROOT, "%.3f", v);
  }

  private static String thousands(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  @Test
  void describesTheShippedModelVersion() {
    assertEquals(metadata.get("version").asText(), evaluation.get("version").asText(),
        "the evaluation report is of the shipped model");
    assertTrue(card.startsWith("# Model card: " + metadata.get("name").asText() + " " + metadata.get("version").asText()),
        "title names the shipped model");
    assertTrue(card.contains("`" + metadata.get("name").asText() + "`, `" + metadata.get("version").asText() + "`"));
    assertTrue(card.contains("SHA-256 `" + metadata.get("weightsSha256").asText() + "`"), "weights checksum");
    for (JsonNode label : metadata.get("labels")) {
      assertTrue(card.contains(label.asText()), "label " + label.asText());
    }
  }

  @Test
  void overallAndPerLabelFiguresMatchTheEvaluationReport() {
    assertTrue(card.contains("**accuracy " + three(evaluation.get("accuracy").asDouble()) + "**, **macro-F1 "
        + three(evaluation.get("macro_f1").asDouble()) + "**"), "overall figures");
    assertTrue(card.contains("On the " + thousands(evaluation.get("count").asLong()) + " faces of FER2013 "
        + evaluation.get("usage").asText()), "evaluated faces");
    Matcher row = Pattern.compile("(?m)^\\| (\\w+) \\| ([0-9.]+) \\| ([0-9.]+) \\| ([0-9.]+) \\| (\\d+) \\|$").matcher(card);
    Set<String> seen = new HashSet<>();
    while (row.find()) {
      JsonNode c = evaluation.get("per_class").get(row.group(1));
      assertTrue(c != null, "label " + row.group(1) + " is not in the report");
      assertEquals(three(c.get("precision").asDouble()), row.group(2), row.group(1) + " precision");
      assertEquals(three(c.get("recall").asDouble()), row.group(3), row.group(1) + " recall");
      assertEquals(three(c.get("f1").asDouble()), row.group(4), row.group(1) + " F1");
      assertEquals(c.get("support").asText(), row.group(5), row.group(1) + " faces");
      seen.add(row.group(1));
    }
    Set<String> labels = new HashSet<>();
    evaluation.get("labels").forEach(l -> labels.add(l.asText()));
    assertEquals(labels, seen, "one row per label");
  }

  @Test
  void theAbstentionTableAndItsDefaultMatchTheReport() {
    Matcher row = Pattern.compile("(?m)^\\| (0\\.\\d) \\| ([0-9.]+) \\| ([0-9.]+) \\| ([0-9.]+) \\|$").matcher(card);
    Map<String, JsonNode> byThreshold = new HashMap<>();
    evaluation.get("abstention").forEach(r -> byThreshold.put(String.format(Locale.ROOT, "%.1f",
        r.get("min_confidence").asDouble()), r));
    int rows = 0;
    while (row.find()) {
      JsonNode r = byThreshold.get(row.group(1));
      assertTrue(r != null, "threshold " + row.group(1) + " is not in the report");
      assertEquals(three(r.get("coverage").asDouble()), row.group(2), row.group(1) + " named");
      assertEquals(three(r.get("accuracy").asDouble()), row.group(3), row.group(1) + " accuracy");
      assertEquals(three(r.get("correct").asDouble()), row.group(4), row.group(1) + " correct");
      rows++;
    }
    assertEquals(byThreshold.size(), rows);
    String threshold = String.format(Locale.ROOT, "%.1f", Settings.defaults().decimal("emotion.min-confidence"));
    assertTrue(card.contains("`emotion.min-confidence` (default " + threshold + ")"), "the default of the settings");
    JsonNode atDefault = byThreshold.get(threshold);
    Matcher claim = Pattern.compile(threshold.replace(".", "\\.") + " names (\\d+)% of the faces and lifts the accuracy"
        + " of what is named from ([0-9.]+) to ([0-9.]+)").matcher(card);
    assertTrue(claim.find(), "the default's argument");
    assertEquals(Math.round(atDefault.get("coverage").asDouble() * 100), Long.parseLong(claim.group(1)));
    assertEquals(three(evaluation.get("accuracy").asDouble()), claim.group(2));
    assertEquals(three(atDefault.get("accuracy").asDouble()), claim.group(3));
  }

  @Test
  void theNamedConfusionsMatchTheConfusionMatrix() {
    List<String> labels = JSON.convertValue(evaluation.get("labels"), List.class);
    Matcher m = Pattern.compile("(\\w+) for (\\w+): (\\d+) of (\\d+)").matcher(card);
    int found = 0;
    while (m.find()) {
      int t = labels.indexOf(m.group(1));
      int p = labels.indexOf(m.group(2));
      assertTrue(t >= 0 && p >= 0, m.group());
      assertEquals(evaluation.get("confusion").get(t).get(p).asLong(), Long.parseLong(m.group(3)), m.group());
      assertEquals(evaluation.get("per_class").get(m.group(1)).get("support").asLong(), Long.parseLong(m.group(4)),
          m.group());
      found++;
    }
    assertTrue(found >= 3, "the card names the main confusions");
  }

  @Test
  void trainingDataFiguresMatchTheTrainingReport() {
    JsonNode train = training.get("data").get("train");
    assertTrue(card.contains("Trained on " + thousands(train.get("count").asLong()) + " `"
        + train.get("source").asText() + "` rows"), "training rows");
    train.get("per_class").fields().forEachRemaining(e -> assertTrue(
        card.contains(e.getKey() + " " + thousands(e.getValue().asLong())), "training faces of " + e.getKey()));
    assertTrue(card.contains("selected on `" + training.get("data").get("validation").get("source").asText() + "`"));
  }

  @Test
  void saysWhatWasNotMeasuredAndHowToReadTheOutputs() {
    assertTrue(card.contains("no demographic labels") && card.contains("**unmeasured**"), "per-group accuracy");
    assertTrue(card.contains("apparent expression"), "the wording of the outputs");
    for (String failure : List.of("Small faces", "Pose", "Glasses", "Low light")) {
      assertTrue(card.contains(failure), failure);
    }
    assertTrue(card.contains("not legal advice"));
  }
}
