package io.emotionstream.emotion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.emotionstream.Assets;
import io.emotionstream.inference.InferenceConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our DJL port of face-api's expression network against the package's own JavaScript: the same
 * 112x112 crops go through {@code scripts/faceapi-expression.sh} (tfjs CPU backend under Node) and
 * through our classifier; every probability must agree within 0.02. Needs {@code node} and
 * {@code npm} (and the npm registry once, to install tfjs into target/faceapi-node).
 */
@Tag("node")
class FaceApiNodeParityTest {

  static final double TOLERANCE = 0.02;

  @TempDir Path tmp;

  @Test
  void probabilitiesMatchFaceApiUnderNode() throws Exception {
    Assumptions.assumeTrue(onPath("node") && onPath("npm"),
        "node and npm are not on the PATH: skipping the parity check against face-api's JavaScript");
    List<Mat> crops = SampleFaces.crops(SampleFaces.FACES, 112);
    List<String> command = new ArrayList<>(List.of("bash", Path.of("scripts/faceapi-expression.sh").toString(),
        Path.of("target/faceapi-node").toAbsolutePath().toString(),
        Assets.npmPackage(FaceApiExpressionModel.NPM_PACKAGE, FaceApiExpressionModel.NPM_VERSION).resolve("model").toString()));
    for (int i = 0; i < crops.size(); i++) {
      Path raw = tmp.resolve("crop" + i + ".rgb");
      Files.write(raw, rgbBytes(crops.get(i)));
      command.add(raw.toString());
    }
    Process process = new ProcessBuilder(command).redirectError(tmp.resolve("node.err").toFile()).start();
    String stdout = new String(process.getInputStream().readAllBytes());
    assertTrue(process.waitFor(5, TimeUnit.MINUTES), "node timed out");
    String json = stdout.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElse("");
    if (process.exitValue() != 0 || json.isEmpty()) {
      String err = Files.readString(tmp.resolve("node.err"));
      Assumptions.assumeFalse(err.contains("npm") && (err.contains("ENOTFOUND") || err.contains("EAI_AGAIN")
          || err.contains("ECONNREFUSED") || err.contains("ETIMEDOUT")),
          "npm could not install tfjs (no registry access): " + err);
      throw new AssertionError("face-api under node failed (exit " + process.exitValue() + "): " + err + stdout);
    }
    JsonNode results = new ObjectMapper().readTree(json).path("results");
    assertEquals(crops.size(), results.size());

    double maxDiff = 0;
    StringBuilder report = new StringBuilder();
    try (EmotionClassifier classifier = EmotionClassifiers.open(EmotionClassifiers.faceApiArtifact(), InferenceConfig.defaults())) {
      List<EmotionPrediction> ours = classifier.classify(crops);
      for (int i = 0; i < crops.size(); i++) {
        JsonNode theirs = results.get(i).path("probabilities");
        float[] p = ours.get(i).probabilities();
        double faceMax = 0;
        for (int c = 0; c < p.length; c++) {
          faceMax = Math.max(faceMax, Math.abs(p[c] - theirs.get(c).asDouble()));
        }
        maxDiff = Math.max(maxDiff, faceMax);
        report.append(String.format("%-22s ours=%-9s node=%-9s max|diff|=%.2e%n", SampleFaces.FACES.get(i).id(),
            ours.get(i).label(), FaceApiExpressionModel.LABELS.get(argmax(theirs)), faceMax));
      }
    }
    report.append(String.format("faces=%d max|diff|=%.3e tolerance=%.2f%n", crops.size(), maxDiff, TOLERANCE));
    Files.writeString(Path.of("target/faceapi-parity.txt"), report);
    System.out.print(report);
    assertTrue(maxDiff <= TOLERANCE, report.toString());
  }

  private static int argmax(JsonNode values) {
    int best = 0;
    for (int i = 1; i < values.size(); i++) {
      if (values.get(i).asDouble() > values.get(best).asDouble()) {
        best = i;
      }
    }
    return best;
  }

  static byte[] rgbBytes(Mat bgr) {
    Mat rgb = new Mat();
    opencv_imgproc.cvtColor(bgr, rgb, opencv_imgproc.COLOR_BGR2RGB);
    byte[] bytes = new byte[rgb.rows() * rgb.cols() * 3];
    rgb.data().get(bytes);
    return bytes;
  }

  private static boolean onPath(String program) {
    try {
      Process p = new ProcessBuilder(program, "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }
}
