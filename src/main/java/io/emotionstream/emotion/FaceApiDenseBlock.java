package io.emotionstream.emotion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * face-api's {@code denseBlock4}: a stride-2 first convolution (plain in the network's first block,
 * depthwise-separable otherwise) and three separable convolutions, each fed the ReLU of the sum of
 * all earlier outputs of the block; the block returns the ReLU of the sum of all four.
 */
final class FaceApiDenseBlock extends AbstractBlock {

  private final boolean firstLayer;
  private final Block conv0;
  private final Block conv1;
  private final Block conv2;
  private final Block conv3;

  FaceApiDenseBlock(int inChannels, int outChannels, boolean firstLayer) {
    this.firstLayer = firstLayer;
    conv0 = addChildBlock("conv0", firstLayer
        ? Blocks.conv(outChannels, 3, 2, 0, true)
        : new SeparableConv(inChannels, outChannels, 2));
    conv1 = addChildBlock("conv1", new SeparableConv(outChannels, outChannels, 1));
    conv2 = addChildBlock("conv2", new SeparableConv(outChannels, outChannels, 1));
    conv3 = addChildBlock("conv3", new SeparableConv(outChannels, outChannels, 1));
  }

  @Override
  protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
      PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    if (firstLayer) {
      x = TfSamePadding.pad(x, 3, 2);
    }
    NDArray out1 = Activation.relu(Blocks.run(conv0, store, x, training, params));
    NDArray out2 = Blocks.run(conv1, store, out1, training, params);
    NDArray sum12 = out1.add(out2);
    NDArray out3 = Blocks.run(conv2, store, Activation.relu(sum12), training, params);
    NDArray sum123 = sum12.add(out3);
    NDArray out4 = Blocks.run(conv3, store, Activation.relu(sum123), training, params);
    return new NDList(Activation.relu(sum123.add(out4)));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape s = inputShapes[0];
    Shape out = conv0 instanceof SeparableConv
        ? conv0.getOutputShapes(inputShapes)[0]
        : conv0.getOutputShapes(new Shape[] {padded(s)})[0];
    return new Shape[] {out};
  }

  private static Shape padded(Shape s) {
    return new Shape(s.get(0), s.get(1), s.get(2) + TfSamePadding.total(s.get(2), 3, 2),
        s.get(3) + TfSamePadding.total(s.get(3), 3, 2));
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape s = Blocks.init(conv0, manager, dataType, firstLayer ? padded(inputShapes[0]) : inputShapes[0]);
    s = Blocks.init(conv1, manager, dataType, s);
    s = Blocks.init(conv2, manager, dataType, s);
    Blocks.init(conv3, manager, dataType, s);
  }
}
