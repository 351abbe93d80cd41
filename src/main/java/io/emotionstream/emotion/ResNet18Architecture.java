package io.emotionstream.emotion;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
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

  /**
   * {@link FoldedResNet18}: batch norm folded into the convolutions, channels-last weights. The
   * trained block's arrays are closed, so a worker holds one copy of the weights.
   */
  @Override
  public Block forInference(Block trained, ModelMetadata metadata, NDManager manager) {
    Block folded = FoldedResNet18.fold((ResNet18) trained, metadata.channels(), manager);
    for (Pair<String, Parameter> p : trained.getParameters()) {
      p.getValue().close();
    }
    return folded;
  }

  @Override
  public String classCountTensor() {
    return "fc.bias";
  }

  /**
   * 2: libtorch sends a float convolution to oneDNN only when the batch is above 1, or the kernel
   * is above 3x3, or it is grouped, or the input is above 20,480 values; ResNet-18's 3x3 layers at
   * 48-64 px with batch 1 meet none of these and run on the slower native kernels. Measured with
   * {@code bench inference --models resnet18-48 --batch-sizes 1,2} (2 threads): one face 15.8 ms,
   * two faces 10.5 ms, so one face padded to two takes about 10.5 ms. The face-api network is
   * grouped (separable convolutions) and gains nothing: it keeps batch 1 (5.3 ms against 7.8 ms).
   */
  @Override
  public int smallestCpuBatch() {
    return 2;
  }
}
