package io.emotionstream.emotion;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * TF's {@code separableConv2d(x, depthwise, pointwise, stride, 'same')} plus bias: a 3x3 depthwise
 * convolution (no bias) then a 1x1 pointwise convolution with the bias.
 */
final class SeparableConv extends AbstractBlock {

  private final int stride;
  private final Block depthwise;
  private final Block pointwise;

  SeparableConv(int inChannels, int outChannels, int stride) {
    this.stride = stride;
    depthwise = addChildBlock("depthwise", Blocks.depthwise(inChannels, 3, stride));
    pointwise = addChildBlock("pointwise", Blocks.conv(outChannels, 1, 1, 0, true));
  }

  @Override
  protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
      PairList<String, Object> params) {
    var x = TfSamePadding.pad(inputs.singletonOrThrow(), 3, stride);
    x = Blocks.run(depthwise, store, x, training, params);
    return new NDList(Blocks.run(pointwise, store, x, training, params));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape s = inputShapes[0];
    return pointwise.getOutputShapes(new Shape[] {
        new Shape(s.get(0), s.get(1), TfSamePadding.outputSize(s.get(2), stride),
            TfSamePadding.outputSize(s.get(3), stride))});
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape s = inputShapes[0];
    Shape padded = new Shape(s.get(0), s.get(1), s.get(2) + TfSamePadding.total(s.get(2), 3, stride),
        s.get(3) + TfSamePadding.total(s.get(3), 3, stride));
    Blocks.init(pointwise, manager, dataType, Blocks.init(depthwise, manager, dataType, padded));
  }
}
