package io.emotionstream.emotion;

import io.emotionstream.config.Settings;
import io.emotionstream.inference.InferenceConfig;
import io.emotionstream.model.ModelArtifact;
import java.nio.file.Path;

/** Entry point for the processor and the commands: opens an emotion classifier. */
public final class EmotionClassifiers {

  private EmotionClassifiers() {}

  /**
   * Opens a batching classifier.
   *
   * @param artifactDir a model artifact directory, or null for the default model
   *     ({@link #defaultArtifact()})
   * @param config devices, batch size, waits, queue; {@link InferenceConfig#defaults()} if null
   * @throws io.emotionstream.model.ModelArtifactException if the artifact is missing or damaged
   */
  public static BatchingEmotionClassifier open(Path artifactDir, InferenceConfig config) {
    return open(artifactDir == null ? defaultArtifact() : ModelArtifact.open(artifactDir), config);
  }

  /**
   * Opens a batching classifier on a {@code model.dir} value: empty for the bundled model,
   * {@code faceapi-expression} for face-api's network, else a directory ({@link EmotionModels#resolve}).
   */
  public static BatchingEmotionClassifier open(String model, InferenceConfig config) {
    return open(EmotionModels.resolve(model), config);
  }

  /** Opens a batching classifier on an opened artifact. */
  public static BatchingEmotionClassifier open(ModelArtifact artifact, InferenceConfig config) {
    return open(artifact, config, TestTimeAugmentation.NONE);
  }

  /** With test-time augmentation ({@code inference.tta}). */
  public static BatchingEmotionClassifier open(ModelArtifact artifact, InferenceConfig config,
      TestTimeAugmentation tta) {
    return new BatchingEmotionClassifier(
        ModelRuntime.start(artifact, config == null ? InferenceConfig.defaults() : config), tta);
  }

  /**
   * The default model's artifact: the {@code model.dir} of the bundled defaults
   * ({@code config/emotion-stream.properties}), the one table of defaults.
   *
   * @throws io.emotionstream.model.ModelArtifactException naming the path when it is not installed
   */
  public static ModelArtifact defaultArtifact() {
    return EmotionModels.resolve(Settings.defaults().string("model.dir"));
  }

  /** face-api's expression network, converted on first use ({@code model.dir=faceapi-expression}). */
  public static ModelArtifact faceApiArtifact() {
    return FaceApiExpressionModel.defaultArtifact();
  }
}
