package io.emotionstream.model;

import ai.djl.nn.Block;

/**
 * A network shape that model artifacts can name in their {@code architecture} field. Implementations
 * are listed in {@code META-INF/services/io.emotionstream.model.Architecture}.
 */
public interface Architecture {

  /** The name used in metadata, e.g. {@code resnet18}. */
  String name();

  /** A fresh, uninitialised block for this metadata (class count = number of labels). */
  Block newBlock(ModelMetadata metadata);

  /** The weights tensor whose first dimension is the number of classes, e.g. {@code fc.bias}. */
  String classCountTensor();

  /**
   * Smallest batch worth running on a CPU: a smaller batch is padded up to it (the padding rows'
   * outputs are dropped). Networks that fall into a slower libtorch convolution path at batch 1
   * (see {@link io.emotionstream.emotion.ResNet18Architecture}) say 2.
   */
  default int smallestCpuBatch() {
    return 1;
  }
}
