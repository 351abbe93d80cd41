package io.emotionstream.model;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import io.emotionstream.torch.Precision;

/**
 * A network shape that model artifacts can name in their {@code architecture} field. Implementations
 * are listed in {@code META-INF/services/io.emotionstream.model.Architecture}.
 */
public interface Architecture {

  /** The name used in metadata, e.g. {@code resnet18}. */
  String name();

  /** A fresh, uninitialised block for this metadata (class count = number of labels). */
  Block newBlock(ModelMetadata metadata);

  /**
   * The network to serve, made from {@code trained} (a block of {@link #newBlock} with its weights
   * loaded, on {@code manager}'s device): the same outputs, possibly with fewer operations (ResNet-18
   * folds its batch norms into its convolutions). The default serves {@code trained} as it is. An
   * implementation that returns another block closes {@code trained}'s parameters; training never
   * calls this.
   */
  default Block forInference(Block trained, ModelMetadata metadata, NDManager manager) {
    return trained;
  }

  /**
   * {@link #forInference(Block, ModelMetadata, NDManager)} computing in {@code precision} where the
   * architecture supports it (ResNet-18's prepacked convolutions); the default ignores it, as
   * {@code inference.precision} documents.
   */
  default Block forInference(Block trained, ModelMetadata metadata, NDManager manager, Precision precision) {
    return forInference(trained, metadata, manager);
  }

  /**
   * What a block made by {@link #forInference(Block, ModelMetadata, NDManager, Precision)} computes in:
   * {@code FLOAT32} or {@code BFLOAT16}, never {@code AUTO}. The default: float32.
   */
  default Precision computesIn(Block served) {
    return Precision.FLOAT32;
  }

  /** The weights tensor whose first dimension is the number of classes, e.g. {@code fc.bias}. */
  String classCountTensor();

  /**
   * Smallest batch worth running on a CPU: a smaller batch is padded up to it (the padding rows'
   * outputs are dropped). A network that falls into a slower libtorch convolution path at batch 1
   * says 2; none does now (see {@link io.emotionstream.emotion.ResNet18Architecture}).
   */
  default int smallestCpuBatch() {
    return 1;
  }
}
