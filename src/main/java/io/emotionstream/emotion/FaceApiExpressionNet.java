package io.emotionstream.emotion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The expression network of {@code @vladmandic/face-api} (from face-api.js): four {@link
 * FaceApiDenseBlock}s (32, 64, 128, 256 channels, each halving the size), average pooling over the
 * remaining 7x7, and a fully connected layer to the classes. Input: NCHW RGB, 112x112, values
 * {@code (pixel - mean) / 255}. Outputs logits (face-api applies the softmax afterwards too).
 *
 * <p>Parameters are named after the TF.js tensors: {@code dense0.conv0.weight},
 * {@code dense1.conv2.depthwise.weight}, {@code dense1.conv2.pointwise.bias}, {@code fc.weight}.
 */
public final class FaceApiExpressionNet extends AbstractBlock {

  private final int numClasses;
  private final Block[] dense = new Block[4];
  private final Block fc;

  public FaceApiExpressionNet(int numClasses) {
    this.numClasses = numClasses;
    int[] widths = {32, 64, 128, 256};
    int in = 3;
    for (int i = 0; i < 4; i++) {
      dense[i] = addChildBlock("dense" + i, new FaceApiDenseBlock(in, widths[i], i == 0));
      in = widths[i];
    }
    fc = addChildBlock("fc", Linear.builder().setUnits(numClasses).build());
  }

  @Override
  protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
      PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    for (Block block : dense) {
      x = Blocks.run(block, store, x, training, params);
    }
    // face-api: avgPool 7x7, stride 2, 'valid' on the 7x7 map of a 112x112 input = global mean
    x = x.reshape(x.getShape().get(0), x.getShape().get(1), -1).mean(new int[] {2});
    return new NDList(Blocks.run(fc, store, x, training, params));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), numClasses)};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape s = inputShapes[0];
    for (Block block : dense) {
      s = Blocks.init(block, manager, dataType, s);
    }
    Blocks.init(fc, manager, dataType, new Shape(s.get(0), s.get(1)));
  }
}
