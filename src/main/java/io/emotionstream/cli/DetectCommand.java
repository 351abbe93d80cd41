package io.emotionstream.cli;

import static org.bytedeco.opencv.global.opencv_imgproc.FILLED;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_AA;
import static org.bytedeco.opencv.global.opencv_imgproc.circle;
import static org.bytedeco.opencv.global.opencv_imgproc.putText;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.emotionstream.config.Settings;
import io.emotionstream.detect.DetectedFace;
import io.emotionstream.detect.FaceDetector;
import io.emotionstream.detect.FaceDetectors;
import io.emotionstream.detect.MtcnnDetector;
import io.emotionstream.frame.ImageDecoding;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Finds faces in image files with MTCNN and prints them, optionally drawing them on copies. The
 * detector comes from the settings ({@code detect.*}, {@code --config}, environment, {@code --set}),
 * as in the processor, so both find the same faces by default.
 */
@Command(name = "detect", mixinStandardHelpOptions = true,
    description = {"Find faces (boxes, scores, five landmarks) in image files with MTCNN, with the processor's",
        "detection settings (detect.min-face, detect.max-side, ...; --config, EMOTION_STREAM_*, --set)."})
public final class DetectCommand implements Callable<Integer> {

  @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "image files (JPEG, PNG, ...)")
  List<Path> images;

  @Option(names = "--json", description = "one JSON object per image and line instead of a table")
  boolean json;

  @Option(names = "--annotate", paramLabel = "OUT_DIR",
      description = "write a copy of each image with boxes and landmarks drawn into OUT_DIR")
  Path annotateDir;

  @Option(names = "--min-face", paramLabel = "N",
      description = "smallest face side in pixels to look for (default: setting detect.min-face, 40)")
  Integer minFace;

  @Option(names = "--max-side", paramLabel = "N",
      description = "larger images are detected on a copy scaled to this side (default: setting detect.max-side, 1920)")
  Integer maxSide;

  @Mixin
  ConfigOptions config = new ConfigOptions();

  @Option(names = "--threads", paramLabel = "N",
      description = "PyTorch intra-op threads (default: -Dai.djl.pytorch.num_threads or the engine's)")
  Integer threads;

  private final PrintStream out;

  public DetectCommand() {
    this(System.out);
  }

  DetectCommand(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() throws IOException {
    if (threads != null) {
      // read by the PyTorch engine when it starts, i.e. when the detector is built below
      System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
    }
    if (annotateDir != null) {
      Files.createDirectories(annotateDir);
    }
    ObjectMapper mapper = new ObjectMapper();
    int failures = 0;
    Settings settings = settings(config, minFace, maxSide);
    try (MtcnnDetector mtcnn = FaceDetectors.mtcnn(settings)) {
      FaceDetector detector = FaceDetectors.bounded(mtcnn, settings);
      for (Path file : images) {
        try (Mat image = ImageDecoding.readBgr(file)) {
          List<DetectedFace> faces = detector.detect(image);
          if (json) {
            out.println(mapper.writeValueAsString(toJson(mapper, file, image, faces)));
          } else {
            printTable(file, image, faces);
          }
          if (annotateDir != null) {
            Path target = annotateDir.resolve(annotatedName(file));
            annotate(image, faces);
            if (!opencv_imgcodecs.imwrite(target.toString(), image)) {
              throw new IOException("cannot write annotated image " + target);
            }
          }
        } catch (RuntimeException e) {
          failures++;
          System.err.println("detect: " + file + ": " + e.getMessage());
        }
      }
    }
    return failures == 0 ? 0 : 1;
  }

  /** The settings with {@code --min-face} and {@code --max-side} on top, where given. */
  static Settings settings(ConfigOptions config, Integer minFace, Integer maxSide) {
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put("detect.min-face", minFace == null ? null : minFace.toString());
    flags.put("detect.max-side", maxSide == null ? null : maxSide.toString());
    return config.settings(flags, "command-line flag");
  }

  static ObjectNode toJson(ObjectMapper mapper, Path file, Mat image, List<DetectedFace> faces) {
    ObjectNode node = mapper.createObjectNode();
    node.put("file", file.toString());
    node.put("width", image.cols());
    node.put("height", image.rows());
    ArrayNode list = node.putArray("faces");
    for (DetectedFace f : faces) {
      ObjectNode face = list.addObject();
      ArrayNode box = face.putArray("box");
      box.add(round(f.x1())).add(round(f.y1())).add(round(f.x2())).add(round(f.y2()));
      face.put("score", Math.round(f.score() * 1e5) / 1e5);
      ArrayNode landmarks = face.putArray("landmarks");
      for (int i = 0; i < DetectedFace.LANDMARKS; i++) {
        landmarks.addArray().add(round(f.landmarkX(i))).add(round(f.landmarkY(i)));
      }
    }
    return node;
  }

  private void printTable(Path file, Mat image, List<DetectedFace> faces) {
    out.printf(Locale.ROOT, "%s (%dx%d): %d face(s)%n", file, image.cols(), image.rows(), faces.size());
    if (faces.isEmpty()) {
      return;
    }
    out.printf(Locale.ROOT, "  %-3s %-31s %-7s %s%n", "#", "box x1,y1,x2,y2", "score",
        "landmarks (left eye, right eye, nose, mouth left, mouth right)");
    for (int i = 0; i < faces.size(); i++) {
      DetectedFace f = faces.get(i);
      StringBuilder lm = new StringBuilder();
      for (int k = 0; k < DetectedFace.LANDMARKS; k++) {
        lm.append(k == 0 ? "" : "; ").append(String.format(Locale.ROOT, "%.1f,%.1f", f.landmarkX(k), f.landmarkY(k)));
      }
      out.printf(Locale.ROOT, "  %-3d %-31s %-7.4f %s%n", i,
          String.format(Locale.ROOT, "%.1f,%.1f,%.1f,%.1f", f.x1(), f.y1(), f.x2(), f.y2()), f.score(), lm);
    }
  }

  /** Draws boxes, scores and landmarks onto {@code image}. */
  public static void annotate(Mat image, List<DetectedFace> faces) {
    int thickness = Math.max(2, Math.min(image.cols(), image.rows()) / 300);
    try (Scalar green = new Scalar(0, 255, 0, 0); Scalar red = new Scalar(0, 0, 255, 0);
        Scalar cyan = new Scalar(255, 255, 0, 0)) {
      for (DetectedFace f : faces) {
        try (Point p1 = new Point(Math.round(f.x1()), Math.round(f.y1()));
            Point p2 = new Point(Math.round(f.x2()), Math.round(f.y2()));
            Point label = new Point(Math.round(f.x1()), Math.max(12, Math.round(f.y1()) - 4))) {
          rectangle(image, p1, p2, green, thickness, LINE_AA, 0);
          putText(image, String.format(Locale.ROOT, "%.3f", f.score()), label,
              opencv_imgproc.FONT_HERSHEY_SIMPLEX, thickness / 2.5, green, Math.max(1, thickness / 2), LINE_AA, false);
        }
        for (int k = 0; k < DetectedFace.LANDMARKS; k++) {
          try (Point p = new Point(Math.round(f.landmarkX(k)), Math.round(f.landmarkY(k)))) {
            circle(image, p, thickness + 1, k < 2 ? red : cyan, FILLED, LINE_AA, 0);
          }
        }
      }
    }
  }

  private static String annotatedName(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return (dot > 0 ? name.substring(0, dot) : name) + ".faces.png";
  }

  private static double round(float v) {
    return Math.round(v * 10) / 10.0;
  }
}
