package io.emotionstream.emotion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.BlockList;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * torchvision's ResNet {@code BasicBlock}: conv3x3-bn-relu-conv3x3-bn plus the identity (or a 1x1
 * strided conv + bn "downsample" when the shape changes), then relu.
 *
 * <p>Batch norm of plain (NCHW) activations can run on their rows ({@link #batchNormOnRows}): when
 * training on the CPU, the N x C x H x W values are copied to an (N·H·W) x C matrix, normalised
 * there and copied back. libtorch's batch norm walks a plain tensor channel by channel and image
 * by image, a short loop over H·W values each time; on a matrix it takes the kernel of
 * channels-last tensors, which vectorises over channels. On the 3x3 and 2x2 maps of stages 3-4 at
 * 48 px that made its backward pass 15-28x slower than on channels-last tensors (libtorch's
 * profiler, batch 64, one thread: 9.3 and 16.0 ms per step against PyTorch 1.13's 0.6 and 0.6 ms on
 * channels-last ones; the 2x2 maps of stage 4 alone: 3.2-3.8 ms against 0.1 ms as a matrix). A
 * channels-last copy would not do: its gradient comes back plain, and a batch norm given a
 * channels-last input and a plain gradient takes a path still 8x slower (1.7 ms against 0.2). Only
 * maps of at most {@value #ROWS_MAX_PIXELS} pixels go to rows: with the no-pool stem (stages 3-4 at
 * 6x6 and 3x3) rows for both stages gained nothing (paired steps, one thread 1.00x, two 1.04x slower),
 * the copies costing what the shorter loops saved. The values and gradients are the same either way
 * ({@code ResNet18Test}).
 */
final class BasicBlock extends AbstractBlock {

  private final Block conv1;
  private final Block bn1;
  private final Block conv2;
  private final Block bn2;
  private final Block downsample;
  private boolean batchNormOnRows;

  /** The largest map (H·W) whose batch norm runs on rows: stage 3's 3x3 at 48 px with the ImageNet stem. */
  static final int ROWS_MAX_PIXELS = 9;

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
    out = Activation.relu(batchNorm(bn1, store, out, training, params));
    out = Blocks.run(conv2, store, out, training, params);
    out = batchNorm(bn2, store, out, training, params);
    NDArray identity = x;
    if (downsample != null) {
      BlockList convAndNorm = downsample.getChildren();
      identity = Blocks.run(convAndNorm.get(0).getValue(), store, x, training, params);
      identity = batchNorm(convAndNorm.get(1).getValue(), store, identity, training, params);
    }
    return new NDList(Activation.relu(out.add(identity)));
  }

  /** {@code bn} on {@code x}, on its rows where {@link #batchNormOnRows} says so (see the class comment). */
  private NDArray batchNorm(Block bn, ParameterStore store, NDArray x, boolean training,
      PairList<String, Object> params) {
    Shape s = x.getShape();
    if (!batchNormOnRows || !training || x.getDevice().isGpu() || s.get(2) * s.get(3) > ROWS_MAX_PIXELS) {
      return Blocks.run(bn, store, x, training, params);
    }
    NDArray rows = x.transpose(0, 2, 3, 1).reshape(-1, s.get(1));
    NDArray normalised = Blocks.run(bn, store, rows, training, params);
    return MemoryLayout.plain(normalised.reshape(s.get(0), s.get(2), s.get(3), s.get(1)).transpose(0, 3, 1, 2));
  }

  /**
   * Whether batch norm runs on the activations' rows when training on the CPU: for blocks that see
   * plain activations; only the speed differs.
   */
  void batchNormOnRows(boolean on) {
    batchNormOnRows = on;
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
