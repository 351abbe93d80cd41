package io.emotionstream.emotion;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.emotionstream.Assets;
import io.emotionstream.frame.CropSpec;
import io.emotionstream.model.Colour;
import io.emotionstream.model.ModelArtifact;
import io.emotionstream.model.ModelArtifactException;
import io.emotionstream.model.ModelMetadata;
import io.emotionstream.weights.StateDict;
import io.emotionstream.weights.TfjsReader;
import io.emotionstream.weights.TfjsTensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The bootstrap emotion model: face-api's 7-class expression network, converted from the npm
 * package's TF.js weights into our artifact format. {@link #defaultArtifact()} converts once into
 * the assets cache and reuses it afterwards (no network needed after the first build).
 *
 * <p>Run as a program to convert into a directory of your choice: {@code FaceApiExpressionModel [DIR]}.
 */
public final class FaceApiExpressionModel {

  public static final String NPM_PACKAGE = "@vladmandic/face-api";
  public static final String NPM_VERSION = "1.7.15";
  public static final String NAME = "faceapi-expression";
  public static final String MANIFEST = "model/face_expression_model-weights_manifest.json";
  /** face-api's output order (FACE_EXPRESSION_LABELS). */
  public static final List<String> LABELS =
      List.of("neutral", "happy", "sad", "angry", "fearful", "disgusted", "surprised");
  public static final int INPUT_SIZE = 112;
  /** face-api's FaceFeatureExtractor: {@code normalize(x, meanRgb).div(255)}. */
  static final double[] MEAN_RGB = {122.782, 117.001, 104.298};

  private FaceApiExpressionModel() {}

  /** The converted default model, converting it into the assets cache on first use. */
  public static synchronized ModelArtifact defaultArtifact() {
    Path dir = Assets.cache("models/" + NAME).resolve(NPM_VERSION);
    if (Files.isRegularFile(dir.resolve(ModelArtifact.METADATA_FILE))) {
      return ModelArtifact.open(dir);
    }
    Path manifest = Assets.npmPackage(NPM_PACKAGE, NPM_VERSION).resolve(MANIFEST);
    Path tmp = dir.resolveSibling(NPM_VERSION + ".tmp-" + ProcessHandle.current().pid());
    convert(manifest, tmp);
    try {
      Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      if (!Files.isRegularFile(dir.resolve(ModelArtifact.METADATA_FILE))) {
        throw new ModelArtifactException(dir, "cannot move the converted model into place: " + e.getMessage(), e);
      }
      // another process converted it at the same time; keep theirs
    }
    return ModelArtifact.open(dir);
  }

  /** The metadata of the converted model (weights fields filled in by {@link ModelArtifact#write}). */
  public static ModelMetadata metadata() {
    double s = 255.0;
    return new ModelMetadata(ModelMetadata.FORMAT_VERSION, NAME, NPM_VERSION,
        FaceApiExpressionArchitecture.NAME, LABELS, INPUT_SIZE, INPUT_SIZE, 3, Colour.RGB,
        MEAN_RGB.clone(), new double[] {s, s, s},
        // face-api classifies the detector's box padded to a square; MTCNN boxes are a little tight
        new CropSpec(INPUT_SIZE, INPUT_SIZE, CropSpec.Framing.SQUARE, 0.1),
        Instant.now().toString(), Map.of(), null, null,
        "npm:" + NPM_PACKAGE + "@" + NPM_VERSION);
  }

  /** Converts the TF.js manifest (+ shards) into an artifact directory. */
  public static ModelArtifact convert(Path manifest, Path outputDir) {
    Map<String, TfjsTensor> tf = TfjsReader.read(manifest);
    FaceApiExpressionNet net = new FaceApiExpressionNet(LABELS.size());
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, INPUT_SIZE, INPUT_SIZE));
      NDList named = new NDList();
      for (TfjsTensor t : tf.values()) {
        named.add(toTorchLayout(manager, t));
      }
      StateDict.load(net, named, manifest.toString());
      return ModelArtifact.write(outputDir, metadata(), net);
    }
  }

  /** TF layout and name to ours: HWIO -> OIHW, HWC1 -> C1HW, [in,out] -> [out,in]. */
  static NDArray toTorchLayout(NDManager manager, TfjsTensor t) {
    NDArray a = manager.create(t.data(), new Shape(t.longShape()));
    String[] parts = t.name().split("/");
    String leaf = parts[parts.length - 1];
    String prefix = String.join(".", java.util.Arrays.copyOf(parts, parts.length - 1));
    NDArray out;
    String name;
    switch (leaf) {
      case "filters" -> { out = a.transpose(3, 2, 0, 1); name = prefix + ".weight"; }
      case "depthwise_filter" -> { out = a.transpose(2, 3, 0, 1); name = prefix + ".depthwise.weight"; }
      case "pointwise_filter" -> { out = a.transpose(3, 2, 0, 1); name = prefix + ".pointwise.weight"; }
      case "weights" -> { out = a.transpose(1, 0); name = prefix + ".weight"; }
      case "bias" -> {
        out = a;
        boolean separable = !prefix.equals("fc") && !prefix.endsWith("dense0.conv0");
        name = prefix + (separable ? ".pointwise.bias" : ".bias");
      }
      default -> throw new ModelArtifactException(Path.of(t.name()), "unexpected TF.js tensor " + t.name());
    }
    NDArray copy = out.duplicate();
    copy.setName(name);
    return copy;
  }

  public static void main(String[] args) {
    Path manifest = Assets.npmPackage(NPM_PACKAGE, NPM_VERSION).resolve(MANIFEST);
    ModelArtifact artifact = args.length > 0 ? convert(manifest, Path.of(args[0])) : defaultArtifact();
    System.out.println("model artifact " + artifact.directory());
  }
}
