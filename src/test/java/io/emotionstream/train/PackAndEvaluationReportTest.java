package io.emotionstream.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.emotionstream.cli.EvaluateCommand;
import io.emotionstream.cli.ModelsCommand;
import io.emotionstream.model.ModelArtifact;
import io.emotionstream.model.ModelArtifactException;
import io.emotionstream.model.ModelPacker;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a small trained run (synthetic faces): {@code models pack} of the run directory (float16
 * artifact, report and train command copied), {@code evaluate --report}, and {@code evaluate
 * --labels ferplus} with a FER+ votes file made for the synthetic rows.
 */
class PackAndEvaluationReportTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final PrintStream QUIET = new PrintStream(java.io.OutputStream.nullOutputStream());
  static final String TRAIN_COMMAND = "./emotion-stream train --data fer.csv.gz --output run --epochs 2";

  @TempDir static Path tmp;
  static Path csv;
  static Path run;

  @BeforeAll
  static void train() throws Exception {
    csv = SyntheticFaces.writeCsv(tmp.resolve("fer.csv.gz"), 8, 4, 11);
    TrainingOptions o = TrainingEndToEndTest.tiny(csv, tmp.resolve("run"));
    o.commandLine = TRAIN_COMMAND;
    new TrainingRun(o, QUIET).run();
    run = o.output;
  }

  @Test
  void packWritesAFloat16ArtifactThatPredictsLikeTheRunAndCopiesTheReport() throws Exception {
    assertEquals(TRAIN_COMMAND, JSON.readTree(run.resolve(TrainingReport.JSON_FILE).toFile()).path("command").asText());
    Path out = tmp.resolve("bundle/models/fer-resnet18");
    Path docs = tmp.resolve("bundle/docs/model");
    TrainingEndToEndTest.runCli(new ModelsCommand(), "pack", run.toString(), out.toString(), "--docs", docs.toString());

    ModelArtifact f32 = ModelArtifact.open(run.resolve(TrainingRun.MODEL_DIRECTORY));
    ModelArtifact f16 = ModelArtifact.open(out);
    assertTrue(Files.size(f16.weightsFile()) < Files.size(f32.weightsFile()) * 0.51);
    assertNotEquals(f32.metadata().weightsSha256(), f16.metadata().weightsSha256());
    for (String name : ModelPacker.REPORT_FILES) {
      assertEquals(-1L, Files.mismatch(run.resolve(name), docs.resolve(name)), name + " copied as is");
    }
    String provenance = Files.readString(docs.resolve(ModelPacker.PROVENANCE_FILE));
    assertTrue(provenance.contains(TRAIN_COMMAND) && provenance.contains(f16.metadata().weightsSha256())
        && provenance.contains("models pack"), provenance);

    ModelEvaluation.Result a = ModelEvaluation.evaluate(f32, csv, "PublicTest", null, 64, io.emotionstream.emotion.TestTimeAugmentation.NONE, null);
    ModelEvaluation.Result b = ModelEvaluation.evaluate(f16, csv, "PublicTest", null, 64, io.emotionstream.emotion.TestTimeAugmentation.NONE, null);
    double maxDiff = 0;
    for (int i = 0; i < a.logits().length; i++) {
      for (int c = 0; c < a.logits()[i].length; c++) {
        maxDiff = Math.max(maxDiff, Math.abs(a.logits()[i][c] - b.logits()[i][c]));
      }
    }
    assertTrue(maxDiff < 0.05, "largest logit change " + maxDiff);
    for (int i = 0; i < a.logits().length; i++) {
      float[] l = a.logits()[i].clone();
      int top = argmax(l);
      float best = l[top];
      l[top] = Float.NEGATIVE_INFINITY;
      if (best - l[argmax(l)] > 2 * maxDiff) {
        assertEquals(top, argmax(b.logits()[i]), "top-1 of face " + i);
      }
    }

    // packing again replaces the artifact; a run without its report is refused, naming the file
    TrainingEndToEndTest.runCli(new ModelsCommand(), "pack", run.toString(), out.toString(), "--docs", docs.toString());
    Path bare = tmp.resolve("bare");
    Files.createDirectories(bare);
    Files.copy(run.resolve("model"), bare.resolve("model"));
    for (Path f : List.of(ModelArtifact.METADATA_FILE, ModelArtifact.DEFAULT_WEIGHTS_FILE).stream().map(Path::of).toList()) {
      Files.copy(run.resolve("model").resolve(f), bare.resolve("model").resolve(f));
    }
    ModelArtifactException missing = assertThrows(ModelArtifactException.class,
        () -> ModelPacker.pack(bare, tmp.resolve("x"), tmp.resolve("xdocs"), null, "test"));
    assertTrue(missing.getMessage().contains(bare.resolve("report.md").toString()), missing.getMessage());
    assertNotNull(ModelPacker.pack(bare, tmp.resolve("x"), null, null, "test").artifact());
  }

  @Test
  void evaluateReportDrawsTheConfusionMatrixAndTheMostConfidentMistakes() throws Exception {
    Path report = tmp.resolve("eval");
    TrainingEndToEndTest.runCli(new EvaluateCommand(), "--model", run.resolve("model").toString(), "--data",
        csv.toString(), "--report", report.toString(), "--mistakes", "2", "--json");
    assertNotNull(ImageIO.read(report.resolve(EvaluationReport.CONFUSION_FILE).toFile()));
    assertNotNull(ImageIO.read(report.resolve(EvaluationReport.MISTAKES_FILE).toFile()));
    assertTrue(Files.readString(report.resolve(EvaluationReport.MARKDOWN_FILE)).contains("mistakes.png"));
    JsonNode json = JSON.readTree(report.resolve(EvaluationReport.JSON_FILE).toFile());
    JsonNode confusion = json.path("confusion");
    JsonNode mistakes = json.path("most_confident_mistakes");
    List<String> labels = new ArrayList<>();
    json.path("labels").forEach(l -> labels.add(l.asText()));
    for (int c = 0; c < labels.size(); c++) {
      long wrong = 0;
      for (int p = 0; p < labels.size(); p++) {
        wrong += p == c ? 0 : confusion.get(c).get(p).asLong();
      }
      JsonNode list = mistakes.path(labels.get(c));
      assertEquals(Math.min(2, wrong), list.size(), labels.get(c) + ": " + list);
      double previous = 1;
      for (JsonNode m : list) {
        assertEquals(labels.get(c), m.path("actual").asText());
        assertNotEquals(labels.get(c), m.path("predicted").asText());
        assertTrue(m.path("probability").asDouble() <= previous, list.toString());
        previous = m.path("probability").asDouble();
      }
    }
  }

  @Test
  void ferPlusLabelsReplaceTheFileLabelsAndUnclearRowsAreLeftOut() throws Exception {
    List<String[]> rows = csvRows(csv);
    Path votes = tmp.resolve("fer2013new.csv");
    int[] expected = new int[SyntheticFaces.CLASSES.size()];
    int publicRow = 0;
    try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(votes))) {
      w.println("Usage,Image name,neutral,happiness,surprise,sadness,anger,disgust,fear,contempt,unknown,NF");
      for (String[] r : rows) {
        int fer = Integer.parseInt(r[0]);
        int[] v = new int[10];
        int kind = r[2].equals("PublicTest") ? publicRow++ % 4 : 0;
        // 0: FER+ agrees, 1: FER+ names the next synthetic class, 2: a tie, 3: mostly not a face
        int label = kind == 1 ? SyntheticFaces.FER_LABELS[(indexOf(fer) + 1) % SyntheticFaces.FER_LABELS.length] : fer;
        switch (kind) {
          case 0, 1 -> { v[column(label)] = 7; v[8] = 3; }
          case 2 -> { v[column(label)] = 5; v[column(label == 3 ? 6 : 3)] = 5; }
          default -> { v[9] = 6; v[column(label)] = 4; }
        }
        if (kind <= 1 && r[2].equals("PublicTest")) {
          expected[indexOf(label)]++;
        }
        w.println(r[2] + ",fer" + r[2].length() + ".png," + String.join(",",
            Arrays.stream(v).mapToObj(Integer::toString).toList()));
      }
    }
    JsonNode eval = JSON.readTree(TrainingEndToEndTest.runCli(new EvaluateCommand(), "--model",
        run.resolve("model").toString(), "--data", csv.toString(), "--labels", "ferplus", "--json"));
    assertEquals("ferplus", eval.path("labels_source").asText());
    assertEquals(Arrays.stream(expected).sum(), eval.path("count").asInt());
    for (int c = 0; c < expected.length; c++) {
      assertEquals(expected[c], eval.at("/per_class/" + SyntheticFaces.CLASSES.get(c) + "/support").asInt(),
          SyntheticFaces.CLASSES.get(c));
    }

    // one row less: the files no longer line up, and the error names both
    List<String> lines = Files.readAllLines(votes);
    lines.remove(3);
    Path shorter = tmp.resolve("short.csv");
    Files.write(shorter, lines);
    DatasetException e = assertThrows(DatasetException.class, () -> ModelEvaluation.evaluate(
        ModelArtifact.open(run.resolve("model")), csv, "PublicTest", null, 64, io.emotionstream.emotion.TestTimeAugmentation.NONE, FerPlusLabels.read(shorter)));
    assertTrue(e.getMessage().contains(csv.toString()) && e.getMessage().contains(shorter.toString()), e.getMessage());
  }

  @Test
  void anEnsembleAveragesTheMembersProbabilitiesFaceByFace() throws Exception {
    ModelArtifact model = ModelArtifact.open(run.resolve(TrainingRun.MODEL_DIRECTORY));
    ModelEvaluation.Result plain = ModelEvaluation.evaluate(model, csv, "PublicTest", null, 64,
        io.emotionstream.emotion.TestTimeAugmentation.NONE, null);
    ModelEvaluation.Result flipped = ModelEvaluation.evaluate(model, csv, "PublicTest", null, 64,
        io.emotionstream.emotion.TestTimeAugmentation.FLIP, null);
    ModelEvaluation.Result both = ModelEvaluation.ensemble(List.of(plain, flipped));
    assertEquals(2, both.members().size());
    boolean differ = false;
    for (int i = 0; i < plain.faces().size(); i++) {
      double[] p = plain.probabilities(i);
      double[] f = flipped.probabilities(i);
      double[] e = both.probabilities(i);
      for (int c = 0; c < e.length; c++) {
        assertEquals((p[c] + f[c]) / 2, e[c], 1e-5, "face " + i + " class " + c);
        differ |= Math.abs(p[c] - f[c]) > 1e-3;
      }
    }
    assertTrue(differ, "the two members should disagree somewhere, or the check above proves nothing");
    // a model with itself is the model
    ModelEvaluation.Result twice = ModelEvaluation.ensemble(List.of(plain, plain));
    assertEquals(plain.score().confusion().accuracy(), twice.score().confusion().accuracy(), 1e-12);
    assertEquals(plain.score().loss(), twice.score().loss(), 1e-4);

    // members scored on other faces are refused, naming the split
    ModelEvaluation.Result training = ModelEvaluation.evaluate(model, csv, "Training", null, 64,
        io.emotionstream.emotion.TestTimeAugmentation.NONE, null);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ModelEvaluation.ensemble(List.of(plain, training)));
    assertTrue(e.getMessage().contains("Training") && e.getMessage().contains("different faces"), e.getMessage());

    // evaluate with --model twice: the ensemble's JSON names both members
    JsonNode eval = JSON.readTree(TrainingEndToEndTest.runCli(new EvaluateCommand(), "--model",
        run.resolve("model").toString(), "--model", run.resolve("model").toString(), "--data", csv.toString(), "--json"));
    assertEquals("ensemble", eval.path("model").asText());
    assertEquals(2, eval.path("members").size());
    assertEquals(plain.score().confusion().accuracy(), eval.path("accuracy").asDouble(), 1e-3);
  }

  /** The FER+ vote column (0-based among the ten) of a FER2013 class. */
  private static int column(int fer) {
    return new int[] {4, 5, 6, 1, 3, 2, 0}[fer];
  }

  private static int indexOf(int fer) {
    for (int i = 0; i < SyntheticFaces.FER_LABELS.length; i++) {
      if (SyntheticFaces.FER_LABELS[i] == fer) {
        return i;
      }
    }
    throw new IllegalArgumentException("class " + fer);
  }

  private static int argmax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }

  private static List<String[]> csvRows(Path gz) throws Exception {
    List<String[]> out = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(gz)),
        StandardCharsets.US_ASCII))) {
      in.readLine();
      String line;
      while ((line = in.readLine()) != null) {
        out.add(line.split(",", -1));
      }
    }
    return out;
  }
}
