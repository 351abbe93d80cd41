package io.emotionstream.train;

import io.emotionstream.emotion.TestTimeAugmentation;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * The report of {@code evaluate --report DIR}: {@code report.json} (the evaluation plus the most
 * confident mistakes), {@code report.md}, {@code confusion.png} ({@link Charts#writeConfusion}: rows
 * true, columns predicted, counts and row shares) and {@code mistakes.png}: for each true class, the
 * faces the model got wrong with the highest probability for its (wrong) prediction, each captioned
 * with the predicted label and that probability.
 */
public final class EvaluationReport {

  public static final String JSON_FILE = "report.json";
  public static final String MARKDOWN_FILE = "report.md";
  public static final String CONFUSION_FILE = "confusion.png";
  public static final String MISTAKES_FILE = "mistakes.png";

  private static final int TILE = 96;
  private static final int CAPTION = 18;
  private static final int ROW_HEADER = 120;
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  static {
    System.setProperty("java.awt.headless", "true");
  }

  private EvaluationReport() {}

  /**
   * One wrong prediction.
   *
   * @param index the face's position in the evaluated split (file order)
   */
  public record Mistake(int index, String actual, String predicted, double probability) {}

  /** Writes the four files into {@code directory} (created). */
  public static void write(Path directory, ModelEvaluation.Result result, int perClass, String labelRule) {
    List<List<Mistake>> mistakes = mostConfidentMistakes(result, perClass);
    try {
      Files.createDirectories(directory);
      Charts.writeConfusion(result.score().confusion(), directory.resolve(CONFUSION_FILE));
      writeMistakes(result, mistakes, perClass, directory.resolve(MISTAKES_FILE));
      Map<String, Object> json = new LinkedHashMap<>(result.toJsonMap());
      if (labelRule != null) {
        json.put("labels_rule", labelRule);
      }
      Map<String, Object> byClass = new LinkedHashMap<>();
      for (int c = 0; c < mistakes.size(); c++) {
        byClass.put(result.faces().classes().get(c), mistakes.get(c));
      }
      json.put("most_confident_mistakes", byClass);
      JSON.writeValue(directory.resolve(JSON_FILE).toFile(), json);
      Files.writeString(directory.resolve(MARKDOWN_FILE), markdown(result, mistakes, labelRule));
    } catch (IOException e) {
      throw new UncheckedIOException(directory + ": cannot write the evaluation report: " + e.getMessage(), e);
    }
  }

  /** For each true class, up to {@code k} wrong predictions, most probable first. */
  static List<List<Mistake>> mostConfidentMistakes(ModelEvaluation.Result result, int k) {
    LabelledFaces faces = result.faces();
    List<String> classes = faces.classes();
    List<List<Mistake>> out = new ArrayList<>();
    for (int c = 0; c < classes.size(); c++) {
      out.add(new ArrayList<>());
    }
    for (int i = 0; i < faces.size(); i++) {
      double[] p = result.probabilities(i);
      int best = 0;
      for (int c = 1; c < p.length; c++) {
        if (p[c] > p[best]) {
          best = c;
        }
      }
      int actual = faces.label(i);
      if (best != actual) {
        out.get(actual).add(new Mistake(i, classes.get(actual), classes.get(best), p[best]));
      }
    }
    for (int c = 0; c < out.size(); c++) {
      List<Mistake> sorted = new ArrayList<>(out.get(c));
      sorted.sort(Comparator.comparingDouble(Mistake::probability).reversed()
          .thenComparingInt(Mistake::index));
      out.set(c, List.copyOf(sorted.subList(0, Math.min(k, sorted.size()))));
    }
    return out;
  }

  private static void writeMistakes(ModelEvaluation.Result result, List<List<Mistake>> mistakes, int k, Path file)
      throws IOException {
    int columns = Math.max(1, k);
    int rowHeight = TILE + CAPTION + 6;
    BufferedImage image = new BufferedImage(ROW_HEADER + columns * (TILE + 6) + 6,
        30 + mistakes.size() * rowHeight, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, image.getWidth(), image.getHeight());
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
    g.drawString("most confident mistakes per true class (caption: predicted label, its probability)", 8, 19);
    int[] support = result.faces().classCounts();
    long[][] counts = result.score().confusion().counts();
    for (int c = 0; c < mistakes.size(); c++) {
      int y = 30 + c * rowHeight;
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
      g.drawString(result.faces().classes().get(c), 8, y + TILE / 2);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
      g.drawString(String.format(Locale.ROOT, "%d of %d wrong", support[c] - counts[c][c], support[c]), 8,
          y + TILE / 2 + 16);
      List<Mistake> row = mistakes.get(c);
      for (int j = 0; j < row.size(); j++) {
        Mistake m = row.get(j);
        int x = ROW_HEADER + j * (TILE + 6);
        g.drawImage(grey(result.faces().image(m.index())), x, y, TILE, TILE, null);
        g.setColor(new Color(0xb00020));
        g.drawString(String.format(Locale.ROOT, "%s %.2f", m.predicted(), m.probability()), x, y + TILE + 13);
      }
    }
    g.dispose();
    ImageIO.write(image, "png", file.toFile());
  }

  private static BufferedImage grey(GreyImage face) {
    BufferedImage img = new BufferedImage(face.width(), face.height(), BufferedImage.TYPE_BYTE_GRAY);
    img.getRaster().setDataElements(0, 0, face.width(), face.height(), face.pixels());
    return img;
  }

  static String markdown(ModelEvaluation.Result result, List<List<Mistake>> mistakes, String labelRule) {
    ConfusionMatrix cm = result.score().confusion();
    StringBuilder md = new StringBuilder();
    md.append("# Evaluation: ").append(result.members().size() > 1 ? "ensemble of " : "").append(result.modelName())
        .append("\n\n");
    md.append(String.format(Locale.ROOT, "- data: %s, %s, %d faces, labels: %s%s%n", result.data().getFileName(),
        result.usage(), cm.count(), result.labels(), result.tta() == TestTimeAugmentation.NONE ? ""
            : ", " + result.tta().configName() + " test-time augmentation"));
    if (labelRule != null) {
      md.append("- ").append(labelRule).append('\n');
    }
    md.append(String.format(Locale.ROOT, "- **accuracy %.4f**, **macro-F1 %.4f**, loss %.4f%n%n", cm.accuracy(),
        cm.macroF1(), result.score().loss()));
    md.append("| class | precision | recall | F1 | support |\n|---|---|---|---|---|\n");
    for (int c = 0; c < cm.labels().size(); c++) {
      md.append(String.format(Locale.ROOT, "| %s | %.4f | %.4f | %.4f | %d |%n", cm.labels().get(c), cm.precision(c),
          cm.recall(c), cm.f1(c), cm.support(c)));
    }
    md.append("\n![confusion matrix](").append(CONFUSION_FILE).append(")\n\n");
    md.append("## Abstention (emotion.min-confidence)\n\n");
    md.append("Faces whose highest probability is below the minimum confidence are labelled `unknown`.\n\n");
    md.append("| minimum confidence | faces named | accuracy of those named | named correctly, of all |\n"
        + "|---|---|---|---|\n");
    for (Map<String, Object> row : result.abstention()) {
      md.append(String.format(Locale.ROOT, "| %.1f | %.3f | %.3f | %.3f |%n", (Double) row.get("min_confidence"),
          (Double) row.get("coverage"), (Double) row.get("accuracy"), (Double) row.get("correct")));
    }
    md.append('\n');
    md.append("## Most confident mistakes\n\n![most confident mistakes](").append(MISTAKES_FILE).append(")\n\n");
    md.append("| true class | face (index in the split): predicted, probability |\n|---|---|\n");
    for (int c = 0; c < mistakes.size(); c++) {
      md.append("| ").append(cm.labels().get(c)).append(" |");
      for (Mistake m : mistakes.get(c)) {
        md.append(String.format(Locale.ROOT, " #%d: %s %.2f;", m.index(), m.predicted(), m.probability()));
      }
      md.append(" |\n");
    }
    return md.toString();
  }
}
