package io.emotionstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.emotionstream.testing.SamplePhotos;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code classify} end to end with MTCNN and face-api's model (by name), on a group photo of clear smiles; and with the bundled default model where it is present. */
class ClassifyCommandTest {

  @Test
  void printsBoxLabelAndEveryProbabilityPerFace() throws Exception {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    int exit = new CommandLine(new ClassifyCommand(new PrintStream(buffer, true, StandardCharsets.UTF_8)))
        .execute("--json", "--devices", "cpu", "--model", "faceapi-expression", SamplePhotos.path(3).toString());
    assertEquals(0, exit);
    JsonNode faces = new ObjectMapper().readTree(buffer.toString(StandardCharsets.UTF_8).trim()).path("faces");
    assertEquals(3, faces.size(), faces.toString());
    int smiles = 0;
    for (JsonNode face : faces) {
      assertEquals(4, face.path("box").size());
      assertEquals(7, face.path("probabilities").size());
      if (checkSmile(face, 0.9)) {
        smiles++;
      }
    }
    assertEquals(2, smiles, "both smiling faces found");
  }

  @Test
  void theDefaultIsTheBundledModel() throws Exception {
    try {
      io.emotionstream.emotion.EmotionModels.bundled();
    } catch (io.emotionstream.model.ModelArtifactException e) {
      org.junit.jupiter.api.Assumptions.abort("bundled model not present: " + e.getMessage());
    }
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    int exit = new CommandLine(new ClassifyCommand(new PrintStream(buffer, true, StandardCharsets.UTF_8)))
        .execute("--json", "--devices", "cpu", SamplePhotos.path(3).toString());
    assertEquals(0, exit);
    JsonNode faces = new ObjectMapper().readTree(buffer.toString(StandardCharsets.UTF_8).trim()).path("faces");
    assertEquals(3, faces.size(), faces.toString());
    for (JsonNode face : faces) {
      assertEquals("fer-resnet18", face.path("model").asText(), face.toString());
      java.util.List<String> labels = new java.util.ArrayList<>();
      face.path("probabilities").fieldNames().forEachRemaining(labels::add);
      assertEquals(io.emotionstream.train.EmotionLabels.FER2013, labels, face.toString());
      checkSmile(face, 0.7);
    }
  }

  @Test
  void anUnreadableImageFailsWithItsName() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream old = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int exit = new CommandLine(new ClassifyCommand(new PrintStream(new ByteArrayOutputStream())))
          .execute("--devices", "cpu", "--model", "faceapi-expression", "no-such-image.jpg");
      assertEquals(1, exit);
    } finally {
      System.setErr(old);
    }
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("no-such-image.jpg"), err.toString());
  }

  /**
   * Checks that the face's probabilities sum to 1 and, for the two broad smiles of sample3 (boxes
   * starting near x=1057 and x=1496), that it is happy with at least {@code minHappy}.
   *
   * @return whether the face is one of the two smiles
   */
  private static boolean checkSmile(JsonNode face, double minHappy) {
    double sum = 0;
    for (JsonNode p : face.path("probabilities")) {
      sum += p.asDouble();
    }
    assertEquals(1.0, sum, 1e-3);
    double x1 = face.path("box").get(0).asDouble();
    if (Math.abs(x1 - 1057) < 30 || Math.abs(x1 - 1496) < 30) {
      assertEquals("happy", face.path("label").asText(), face.toString());
      assertTrue(face.path("probabilities").path("happy").asDouble() > minHappy, face.toString());
      return true;
    }
    return false;
  }
}
