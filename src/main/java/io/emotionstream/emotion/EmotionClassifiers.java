package io.emotionstream.emotion;

import io.emotionstream.inference.InferenceConfig;
import io.emotionstream.model.ModelArtifact;
import java.nio.file.Path;

/** Entry point for the processor and the commands: opens an emotion classifier. */
public final class EmotionClassifiers {

  private EmotionClassifiers() {}

  /**
   * Opens a batching classifier.
   *
   * @param artifactDir a model artifact directory, or null for the default (bootstrap) model, face-api's
   *     expression network, converted on first use into the assets cache
   * @param config devices, batch size, waits, queue; {@link InferenceConfig#defaults()} if null
   * @throws io.emotionstream.model.ModelArtifactException if the artifact is missing or damaged
   */
  public static BatchingEmotionClassifier open(Path artifactDir, InferenceConfig config) {
    ModelArtifact artifact = artifactDir == null ? defaultArtifact() : ModelArtifact.open(artifactDir);
    return new BatchingEmotionClassifier(
        ModelRuntime.start(artifact, config == null ? InferenceConfig.defaults() : config));
  }

  /** The default model's artifact (face-api expression network), converting it on first use. */
  public static ModelArtifact defaultArtifact() {
    return FaceApiExpressionModel.defaultArtifact();
  }
}
