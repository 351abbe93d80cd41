package io.emotionstream.emotion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * torchvision's ResNet {@code BasicBlock}: conv3x3-bn-relu-conv3x3-bn plus the identity (or a 1x1
 * strided conv + bn "downsample" when the shape changes), then relu.
 */
final class BasicBlock extends AbstractBlock {

  private final Block conv1;
  private final Block bn1;
  private final Block conv2;
  private final Block bn2;
  private final Block downsample;

  BasicBlock(int inChannels, int outChannels, int stride) {
    conv1 = addChildBlock("conv1", Blocks.conv(outChannels, 3, stride, 1, false));
    bn1 = addChildBlock("bn1", BatchNorm.builder().build());
    conv2 = addChildBlock("conv2", Blocks.conv(outChannels, 3, 1, 1, false));
    bn2 = addChildBlock("bn2", BatchNorm.builder().build());
    downsample = stride != 1 || inChannels != outChannels
        ? addChildBlock("downsample", new NamedSequential(
            Blocks.conv(outChannels, 1, stride, 0, false), BatchNorm.builder().build()))
        : null;
  }

  @Override
  protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
      PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    NDArray out = Blocks.run(conv1, store, x, training, params);
    out = Activation.relu(Blocks.run(bn1, store, out, training, params));
    out = Blocks.run(conv2, store, out, training, params);
    out = Blocks.run(bn2, store, out, training, params);
    NDArray identity = downsample == null ? x : Blocks.run(downsample, store, x, training, params);
    return new NDList(Activation.relu(out.add(identity)));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return conv2.getOutputShapes(conv1.getOutputShapes(inputShapes));
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape s = Blocks.init(conv1, manager, dataType, inputShapes[0]);
    Blocks.init(bn1, manager, dataType, s);
    s = Blocks.init(conv2, manager, dataType, s);
    Blocks.init(bn2, manager, dataType, s);
    if (downsample != null) {
      Blocks.init(downsample, manager, dataType, inputShapes[0]);
    }
  }
}
