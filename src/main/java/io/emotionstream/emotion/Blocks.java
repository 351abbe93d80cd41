package io.emotionstream.emotion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** Small helpers shared by our hand-written blocks. */
final class Blocks {

  private Blocks() {}

  static Conv2d conv(int filters, int kernel, int stride, int padding, boolean bias) {
    return Conv2d.builder()
        .setFilters(filters)
        .setKernelShape(new Shape(kernel, kernel))
        .optStride(new Shape(stride, stride))
        .optPadding(new Shape(padding, padding))
        .optBias(bias)
        .build();
  }

  static Conv2d depthwise(int channels, int kernel, int stride) {
    return Conv2d.builder()
        .setFilters(channels)
        .setKernelShape(new Shape(kernel, kernel))
        .optStride(new Shape(stride, stride))
        .optPadding(new Shape(0, 0))
        .optGroups(channels)
        .optBias(false)
        .build();
  }

  /** Initialises {@code block} for {@code input} and returns its output shape. */
  static Shape init(Block block, NDManager manager, DataType dataType, Shape input) {
    block.initialize(manager, dataType, input);
    return block.getOutputShapes(new Shape[] {input})[0];
  }

  static NDArray run(Block block, ParameterStore store, NDArray x, boolean training,
      PairList<String, Object> params) {
    return block.forward(store, new NDList(x), training, params).singletonOrThrow();
  }
}
