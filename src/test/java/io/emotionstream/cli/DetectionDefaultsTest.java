package io.emotionstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.emotionstream.analysis.FrameResult;
import io.emotionstream.config.Settings;
import io.emotionstream.frame.EncodedImage;
import io.emotionstream.frame.ImageCodec;
import io.emotionstream.frame.ImageDecoding;
import io.emotionstream.processor.Pipeline;
import io.emotionstream.schema.FaceEmotion;
import io.emotionstream.schema.ImageEncoding;
import io.emotionstream.stream.TestFrames;
import io.emotionstream.testing.SamplePhotos;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code detect} and {@code classify} without options find the faces the processor finds: the
 * same {@code detect.*} settings, {@code detect.max-side} included. The picture makes a difference
 * visible: a group photo (faces of 180-205 px) with an eighth-size copy beside it, 2400 px wide, so
 * that the processor detects on a copy scaled to 1920 where the copy's faces (about 20 px there) are
 * far below its 40 px minimum, while MTCNN's usual 20 px on the full picture (what {@code detect}
 * used to do) finds them at 23-26 px.
 */
class DetectionDefaultsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void detectClassifyAndTheProcessorFindTheSameFacesByDefault(@TempDir Path dir) throws Exception {
    Path picture = dir.resolve("group-and-small-copy.png");
    byte[] png;
    try (Mat photo = ImageDecoding.readBgr(SamplePhotos.path(1));
        Mat canvas = new Mat(photo.rows(), 2400, opencv_core.CV_8UC3, new Scalar(40, 40, 40, 0));
        Rect left = new Rect(0, 0, photo.cols(), photo.rows());
        Mat leftPart = new Mat(canvas, left);
        Mat small = new Mat();
        Size eighth = new Size(photo.cols() / 8, photo.rows() / 8)) {
      photo.copyTo(leftPart);
      opencv_imgproc.resize(photo, small, eighth, 0, 0, opencv_imgproc.INTER_AREA);
      try (Rect right = new Rect(photo.cols() + 100, 100, small.cols(), small.rows()); Mat rightPart = new Mat(canvas, right)) {
        small.copyTo(rightPart);
      }
      png = ImageCodec.encode(canvas, ".png", 0);
      Files.write(picture, png);
    }

    List<double[]> detected = boxes(run(new ByteArrayOutputStream(), b -> new DetectCommand(b), "--json",
        picture.toString()).path("faces"), "box");
    List<double[]> processor;
    List<double[]> classified;
    Settings defaults = Settings.defaults();
    try (Pipeline pipeline = Pipeline.open(defaults)) {
      FrameResult result = pipeline.analyzer().analyze(TestFrames.frame("cam", 0,
          new EncodedImage(png, ImageEncoding.PNG, 2400, 1280, "test")));
      processor = new ArrayList<>();
      for (FaceEmotion e : result.events()) {
        processor.add(new double[] {e.getBox().getX(), e.getBox().getY(), e.getBox().getX() + e.getBox().getWidth(),
            e.getBox().getY() + e.getBox().getHeight()});
      }
    }
    classified = boxes(run(new ByteArrayOutputStream(), b -> new ClassifyCommand(b), "--json", "--devices", "cpu",
        picture.toString()).path("faces"), "box");

    assertTrue(processor.size() >= 3, "the processor finds the three faces of the photo: " + processor.size());
    assertSame(processor, detected, "detect");
    assertSame(processor, classified, "classify");

    // the picture tells the settings apart: MTCNN's usual 20 px on the full picture finds the copies too
    List<double[]> usual = boxes(run(new ByteArrayOutputStream(), b -> new DetectCommand(b), "--json",
        "--min-face", "20", "--max-side", "2400", picture.toString()).path("faces"), "box");
    assertTrue(usual.size() > processor.size(), "with 20 px and no scaling more of the small copies' faces are found: "
        + usual.size() + " against the processor's " + processor.size());
    System.out.printf("faces: processor, detect and classify by default %d; MTCNN at 20 px unscaled %d%n",
        processor.size(), usual.size());
    // and settings reach detect like every command: --set, as the processor takes them
    List<double[]> viaSet = boxes(run(new ByteArrayOutputStream(), b -> new DetectCommand(b), "--json",
        "--set", "detect.min-face=20", "--set", "detect.max-side=2400", picture.toString()).path("faces"), "box");
    assertEquals(usual.size(), viaSet.size());
  }

  private interface CommandFactory {
    Object create(PrintStream out);
  }

  private static JsonNode run(ByteArrayOutputStream buffer, CommandFactory factory, String... args) throws Exception {
    int code = new CommandLine(factory.create(new PrintStream(buffer, true, StandardCharsets.UTF_8))).execute(args);
    assertEquals(0, code, String.join(" ", args));
    return JSON.readTree(buffer.toString(StandardCharsets.UTF_8).trim());
  }

  private static List<double[]> boxes(JsonNode faces, String field) {
    List<double[]> out = new ArrayList<>();
    for (JsonNode f : faces) {
      JsonNode b = f.path(field);
      out.add(new double[] {b.get(0).asDouble(), b.get(1).asDouble(), b.get(2).asDouble(), b.get(3).asDouble()});
    }
    return out;
  }

  /** The same boxes, in any order, within the 0.1 px that detect's output is rounded to. */
  private static void assertSame(List<double[]> expected, List<double[]> actual, String who) {
    assertEquals(expected.size(), actual.size(), who + ": number of faces");
    Comparator<double[]> byX = Comparator.comparingDouble(b -> b[0]);
    List<double[]> e = new ArrayList<>(expected);
    List<double[]> a = new ArrayList<>(actual);
    e.sort(byX);
    a.sort(byX);
    for (int i = 0; i < e.size(); i++) {
      for (int k = 0; k < 4; k++) {
        assertTrue(Math.abs(e.get(i)[k] - a.get(i)[k]) <= 0.11, who + ": face " + i + " coordinate " + k + ": "
            + e.get(i)[k] + " vs " + a.get(i)[k]);
      }
    }
  }
}
