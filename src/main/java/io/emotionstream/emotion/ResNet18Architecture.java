package io.emotionstream.emotion;

import ai.djl.nn.Block;
import io.emotionstream.model.Architecture;
import io.emotionstream.model.ModelMetadata;

/** Registers {@link ResNet18} as architecture {@code resnet18}. */
public final class ResNet18Architecture implements Architecture {

  public static final String NAME = "resnet18";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Block newBlock(ModelMetadata metadata) {
    return new ResNet18(metadata.labels().size());
  }

  @Override
  public String classCountTensor() {
    return "fc.bias";
  }
}
