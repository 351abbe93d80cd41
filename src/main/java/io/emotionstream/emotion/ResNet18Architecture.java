package io.emotionstream.emotion;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.emotionstream.model.Architecture;
import io.emotionstream.model.ModelMetadata;
import io.emotionstream.torch.Precision;

/**
 * Registers {@link ResNet18} as architecture {@code resnet18} (torchvision's stem) and, as the
 * nested classes, {@code resnet18-nopool} and {@code resnet18-s1} ({@link ResNet18.Stem}).
 */
public class ResNet18Architecture implements Architecture {

  /** The name of the ImageNet-stem network. */
  public static final String NAME = ResNet18.Stem.IMAGENET.architecture();

  private final ResNet18.Stem stem;

  public ResNet18Architecture() {
    this(ResNet18.Stem.IMAGENET);
  }

  ResNet18Architecture(ResNet18.Stem stem) {
    this.stem = stem;
  }

  /** {@code resnet18-nopool}. */
  public static final class NoPool extends ResNet18Architecture {
    public NoPool() {
      super(ResNet18.Stem.NO_POOL);
    }
  }

  /** {@code resnet18-s1}. */
  public static final class S1 extends ResNet18Architecture {
    public S1() {
      super(ResNet18.Stem.S1);
    }
  }

  @Override
  public String name() {
    return stem.architecture();
  }

  @Override
  public Block newBlock(ModelMetadata metadata) {
    return new ResNet18(metadata.labels().size(), stem);
  }

  /**
   * {@link FoldedResNet18}: batch norm folded into the convolutions, channels-last weights. The
   * trained block's arrays are closed, so a worker holds one copy of the weights.
   */
  @Override
  public Block forInference(Block trained, ModelMetadata metadata, NDManager manager) {
    return forInference(trained, metadata, manager, Precision.FLOAT32);
  }

  /** The same, its prepacked convolutions in {@code precision} where the CPU allows (see {@link FoldedResNet18}). */
  @Override
  public Block forInference(Block trained, ModelMetadata metadata, NDManager manager, Precision precision) {
    Block folded = FoldedResNet18.fold((ResNet18) trained, metadata.channels(), metadata.inputHeight(),
        metadata.inputWidth(), manager, precision);
    for (Pair<String, Parameter> p : trained.getParameters()) {
      p.getValue().close();
    }
    return folded;
  }

  @Override
  public Precision computesIn(Block served) {
    return served instanceof FoldedResNet18 folded && folded.bfloat16() ? Precision.BFLOAT16 : Precision.FLOAT32;
  }

  @Override
  public String classCountTensor() {
    return "fc.bias";
  }

  /**
   * 1: the served network ({@link FoldedResNet18}) is fastest unpadded. At batch 1 libtorch runs
   * its 3x3 convolutions on its native im2col + matrix-multiply kernels (oneDNN only from batch 2,
   * or kernels above 3x3, or grouped, or inputs above 20,480 values), which read the weights as
   * they are; oneDNN reorders every layer's weights into its blocked layout on every call (about
   * half the time of a batch of 8, by {@code ONEDNN_VERBOSE}). Measured with
   * {@code bench inference --models default --batch-sizes 1} (1 thread, folded network): one face
   * 5.2 ms (192-198 images/s); one face padded to two, as before the fold, 9.3 ms (107 images/s).
   * (Before the fold, with batch norm and NCHW activations, padding to two was the faster: 10.5
   * against 15.8 ms with 2 threads.)
   */
  @Override
  public int smallestCpuBatch() {
    return 1;
  }
}
