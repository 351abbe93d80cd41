package io.emotionstream.emotion;

import io.emotionstream.model.ModelArtifact;
import io.emotionstream.model.ModelArtifactException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * Which model a {@code model.dir} setting (or a command's {@code --model}) means:
 * <ul>
 *   <li>empty or {@value #BUNDLED_DIR}: the bundled default model, our ResNet-18 trained on FER2013,
 *       stored as float16 in the repository and the image;</li>
 *   <li>{@code faceapi-expression} (also {@code faceapi}, {@code face-api}): face-api's expression
 *       network, converted from its npm package on first use;</li>
 *   <li>anything else: a model artifact directory.</li>
 * </ul>
 * A relative directory is looked up in the working directory, then in the installation directory
 * ({@link #home()}), so that the launcher and the image find the bundled model from anywhere. A
 * missing bundled model is an error naming the path: there is no silent fallback to another model.
 */
public final class EmotionModels {

  /** The bundled default model's directory, relative to the installation directory. */
  public static final String BUNDLED_DIR = "models/fer-resnet18";
  /** Names that select face-api's expression network. */
  public static final Set<String> FACEAPI_NAMES = Set.of(FaceApiExpressionModel.NAME, "faceapi", "face-api");

  private EmotionModels() {}

  /**
   * The artifact a {@code model.dir} value means, opened and verified.
   *
   * @param spec empty/null for the bundled model, a face-api name, or a directory
   * @throws ModelArtifactException naming the directory or file that is missing or wrong
   */
  public static ModelArtifact resolve(String spec) {
    if (spec == null || spec.isBlank()) {
      return bundled();
    }
    String s = spec.trim();
    if (FACEAPI_NAMES.contains(s.toLowerCase(Locale.ROOT))) {
      return FaceApiExpressionModel.defaultArtifact();
    }
    if (Path.of(s).normalize().equals(Path.of(BUNDLED_DIR))) {
      return bundled();
    }
    return ModelArtifact.open(locate(Path.of(s), Path.of("").toAbsolutePath(), home()));
  }

  /**
   * The bundled default model.
   *
   * @throws ModelArtifactException naming where it was looked for when it is not there
   */
  public static ModelArtifact bundled() {
    return ModelArtifact.open(bundledDirectory(Path.of("").toAbsolutePath(), home()));
  }

  /** The bundled model's directory, or an exception naming where it was looked for. */
  static Path bundledDirectory(Path workingDir, Path home) {
    Path dir = locate(Path.of(BUNDLED_DIR), workingDir, home);
    if (!Files.isRegularFile(dir.resolve(ModelArtifact.METADATA_FILE))) {
      String where = workingDir.equals(home) ? dir.toString() : workingDir.resolve(BUNDLED_DIR) + " or "
          + home.resolve(BUNDLED_DIR);
      throw new ModelArtifactException(dir, "the bundled default model is missing (looked in " + where
          + "); pack a trained run into it with 'models pack RUN_DIR " + BUNDLED_DIR + "', or choose a model: "
          + "model.dir=DIR or model.dir=" + FaceApiExpressionModel.NAME + " (commands: --model)");
    }
    return dir;
  }

  /** A relative directory in the working directory if it is there, else in {@code home}. */
  static Path locate(Path dir, Path workingDir, Path home) {
    if (dir.isAbsolute()) {
      return dir;
    }
    Path here = workingDir.resolve(dir);
    if (Files.exists(here) || home == null) {
      return here;
    }
    Path installed = home.resolve(dir);
    return Files.exists(installed) ? installed : here;
  }

  /**
   * The installation directory: system property {@code emotionstream.home} (the launcher sets it),
   * else the environment variable {@code EMOTION_STREAM_HOME} (the image sets it), else the working
   * directory.
   */
  public static Path home() {
    String dir = System.getProperty("emotionstream.home");
    if (dir == null || dir.isBlank()) {
      dir = System.getenv("EMOTION_STREAM_HOME");
    }
    return Path.of(dir == null || dir.isBlank() ? "" : dir).toAbsolutePath();
  }
}
