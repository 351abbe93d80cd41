package io.emotionstream.emotion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;

/**
 * Children run one after the other, named "0", "1", ... like {@code torch.nn.Sequential}, so their
 * parameters get PyTorch names ({@code layer1.0.conv1.weight}); DJL's SequentialBlock would name
 * them {@code 01Conv2d}.
 */
final class NamedSequential extends AbstractBlock {

  NamedSequential(Block... blocks) {
    for (int i = 0; i < blocks.length; i++) {
      addChildBlock(Integer.toString(i), blocks[i]);
    }
  }

  @Override
  protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
      PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    for (Pair<String, Block> child : children) {
      x = Blocks.run(child.getValue(), store, x, training, params);
    }
    return new NDList(x);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape[] s = inputShapes;
    for (Pair<String, Block> child : children) {
      s = child.getValue().getOutputShapes(s);
    }
    return s;
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape s = inputShapes[0];
    for (Pair<String, Block> child : children) {
      s = Blocks.init(child.getValue(), manager, dataType, s);
    }
  }
}
