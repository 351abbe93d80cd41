package io.emotionstream.emotion;

import ai.djl.nn.Block;
import io.emotionstream.model.Architecture;
import io.emotionstream.model.ModelMetadata;

/** Registers {@link FaceApiExpressionNet} as architecture {@code faceapi-expression}. */
public final class FaceApiExpressionArchitecture implements Architecture {

  public static final String NAME = "faceapi-expression";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Block newBlock(ModelMetadata metadata) {
    return new FaceApiExpressionNet(metadata.labels().size());
  }

  @Override
  public String classCountTensor() {
    return "fc.bias";
  }
}
