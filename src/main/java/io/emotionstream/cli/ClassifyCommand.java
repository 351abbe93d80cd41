package io.emotionstream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.emotionstream.config.Settings;
import io.emotionstream.detect.DetectedFace;
import io.emotionstream.detect.FaceDetector;
import io.emotionstream.detect.FaceDetectors;
import io.emotionstream.detect.MtcnnDetector;
import io.emotionstream.emotion.EmotionClassifier;
import io.emotionstream.emotion.EmotionClassifiers;
import io.emotionstream.emotion.EmotionModels;
import io.emotionstream.emotion.EmotionPrediction;
import io.emotionstream.emotion.TestTimeAugmentation;
import io.emotionstream.frame.FaceCropper;
import io.emotionstream.frame.ImageDecoding;
import io.emotionstream.inference.InferenceConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bytedeco.opencv.opencv_core.Mat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code classify [--model DIR|NAME] [--json] IMAGE...}: finds the faces in each image (MTCNN), cuts
 * them as the model asks, and prints per face its box, the most probable emotion and every label's
 * probability. Detector, model, devices and test-time augmentation come from the settings
 * ({@code detect.*}, {@code model.dir}, {@code inference.*}) as in the processor.
 */
@Command(name = "classify", mixinStandardHelpOptions = true,
    description = {"Detect faces in images and classify the emotion of each face, with the processor's settings",
        "(detect.*, model.dir, inference.devices, inference.tta; --config, EMOTION_STREAM_*, --set)."})
public final class ClassifyCommand implements Callable<Integer> {

  @Option(names = "--model", paramLabel = "DIR|NAME",
      description = "model artifact directory, or faceapi-expression (default: setting model.dir, the bundled models/fer-resnet18)")
  String model;

  @Option(names = "--json", description = "print one JSON object per image")
  boolean json;

  @Option(names = "--min-face", paramLabel = "N", description = "smallest face in pixels (default: setting detect.min-face, 40)")
  Integer minFace;

  @Option(names = "--devices", paramLabel = "LIST", description = "auto, cpu, gpu:0,... (default: setting inference.devices, auto)")
  String devices;

  @Mixin
  ConfigOptions config = new ConfigOptions();

  @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "image files (JPEG, PNG, ...)")
  List<Path> images;

  private final PrintStream out;

  public ClassifyCommand() {
    this(System.out);
  }

  ClassifyCommand(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() {
    int failures = 0;
    ObjectMapper mapper = new ObjectMapper();
    FaceCropper cropper = new FaceCropper();
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put("detect.min-face", minFace == null ? null : minFace.toString());
    flags.put("inference.devices", devices);
    flags.put("model.dir", model);
    Settings settings = config.settings(flags, "command-line flag");
    TestTimeAugmentation tta = settings.enumValue("inference.tta", TestTimeAugmentation.class);
    try (EmotionClassifier classifier = EmotionClassifiers.open(EmotionModels.resolve(settings.string("model.dir", "")),
        InferenceConfig.from(settings), tta);
        MtcnnDetector mtcnn = FaceDetectors.mtcnn(settings)) {
      FaceDetector detector = FaceDetectors.bounded(mtcnn, settings);
      for (Path image : images) {
        try (Mat bgr = ImageDecoding.readBgr(image)) {
          List<DetectedFace> faces = detector.detect(bgr);
          List<EmotionPrediction> predictions = classifier.classify(bgr, faces, cropper::crop);
          if (json) {
            out.println(toJson(mapper, image, faces, predictions));
          } else {
            printText(image, faces, predictions);
          }
        } catch (RuntimeException e) {
          System.err.println("classify: " + image + ": " + e.getMessage());
          failures++;
        }
      }
    }
    return failures == 0 ? 0 : 1;
  }

  private String toJson(ObjectMapper mapper, Path image, List<DetectedFace> faces, List<EmotionPrediction> predictions) {
    ObjectNode root = mapper.createObjectNode();
    root.put("image", image.toString());
    ArrayNode list = root.putArray("faces");
    for (int i = 0; i < faces.size(); i++) {
      DetectedFace f = faces.get(i);
      EmotionPrediction p = predictions.get(i);
      ObjectNode face = list.addObject();
      face.putArray("box").add(f.x1()).add(f.y1()).add(f.x2()).add(f.y2());
      face.put("score", f.score());
      face.put("label", p.label());
      ObjectNode probabilities = face.putObject("probabilities");
      float[] values = p.probabilities();
      for (int k = 0; k < values.length; k++) {
        probabilities.put(p.labels().get(k), values[k]);
      }
      face.put("model", p.modelName());
      face.put("modelVersion", p.modelVersion());
    }
    return root.toString();
  }

  private void printText(Path image, List<DetectedFace> faces, List<EmotionPrediction> predictions) {
    out.println(image + ": " + faces.size() + " face(s)");
    for (int i = 0; i < faces.size(); i++) {
      DetectedFace f = faces.get(i);
      EmotionPrediction p = predictions.get(i);
      StringBuilder all = new StringBuilder();
      float[] values = p.probabilities();
      for (int k = 0; k < values.length; k++) {
        all.append(k > 0 ? ", " : "").append(p.labels().get(k)).append(String.format(Locale.ROOT, " %.3f", values[k]));
      }
      out.printf(Locale.ROOT, "  face %d [%.1f, %.1f, %.1f, %.1f] %s %.3f  (%s)%n", i, f.x1(), f.y1(), f.x2(), f.y2(),
          p.label(), values[p.best()], all);
    }
  }
}
