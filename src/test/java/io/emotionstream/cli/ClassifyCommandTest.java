package io.emotionstream.cli;

import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.emotionstream.Assets;
import io.emotionstream.detect.DetectedFace;
import io.emotionstream.detect.FaceDetector;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The classify command with a stand-in detector (fixed reference boxes) and a plain box cropper. */
class ClassifyCommandTest {

  @Test
  void printsBoxLabelAndEveryProbabilityPerFace() throws Exception {
    Path photo;
    try {
      photo = Assets.npmPackage("@vladmandic/face-api", "1.7.15").resolve("demo/sample3.jpg");
    } catch (IllegalStateException e) {
      Assumptions.abort("face-api npm package not unpacked: " + e.getMessage());
      return;
    }
    Assumptions.assumeTrue(Files.isRegularFile(photo), "missing " + photo);
    float[] noLandmarks = new float[10];
    FaceDetector fixed = new FaceDetector() {
      @Override
      public List<DetectedFace> detect(Mat bgr) {
        return List.of(new DetectedFace(1495.6f, 291.8f, 1690.5f, 572.6f, 0.99f, noLandmarks),
            new DetectedFace(1057.1f, 198.0f, 1285.5f, 505.0f, 0.98f, noLandmarks));
      }

      @Override
      public void close() {}
    };
    FaceCropper squareCrop = (bgr, f, spec) -> {
      float side = Math.max(f.width(), f.height()) * (float) (1 + spec.margin());
      int x = Math.round((f.x1() + f.x2() - side) / 2);
      int y = Math.round((f.y1() + f.y2() - side) / 2);
      Mat out = new Mat();
      resize(new Mat(bgr, new Rect(x, y, Math.round(side), Math.round(side))), out,
          new Size(spec.width(), spec.height()), 0, 0, INTER_AREA);
      return out;
    };
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    int exit = new CommandLine(new ClassifyCommand(() -> fixed, squareCrop, new PrintStream(buffer, true)))
        .execute("--json", "--devices", "cpu", photo.toString());
    assertEquals(0, exit);
    JsonNode result = new ObjectMapper().readTree(buffer.toString().trim());
    JsonNode faces = result.path("faces");
    assertEquals(2, faces.size());
    for (JsonNode face : faces) {
      assertEquals("happy", face.path("label").asText(), face.toString());
      assertEquals(4, face.path("box").size());
      assertEquals(7, face.path("probabilities").size());
      assertTrue(face.path("probabilities").path("happy").asDouble() > 0.9);
    }
    assertEquals(1495.6, faces.get(0).path("box").get(0).asDouble(), 1e-3);
  }

  @Test
  void withoutADetectorItSaysSo() {
    ClassifyCommand.install(null, null);
    assertEquals(2, new CommandLine(new ClassifyCommand()).execute("x.jpg"));
  }
}
