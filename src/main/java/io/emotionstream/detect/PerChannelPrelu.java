package io.emotionstream.detect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import io.emotionstream.torch.FusedPrelu;

/**
 * PReLU with one learned slope per channel: {@code max(x, 0) + alpha[c] * min(x, 0)}, channel axis 1.
 *
 * <p>Our own block because DJL's {@code ai.djl.nn.core.Prelu} has a single scalar slope and its
 * forward pass is not implemented on the PyTorch engine; MTCNN needs one slope per channel. In
 * inference it runs libtorch's one-pass PReLU ({@link FusedPrelu}); the NDArray formulation below
 * serves training and any process where that is unavailable.
 */
public final class PerChannelPrelu extends AbstractBlock {

  private final int channels;
  private final Parameter alpha;
  /** Whether every slope is {@code <= 1}, which allows the cheaper form (see forward). */
  private volatile boolean slopesAtMostOne;

  /** @param channels size of axis 1 of the input */
  public PerChannelPrelu(int channels) {
    this.channels = channels;
    this.alpha = addParameter(Parameter.builder()
        .setName("alpha")
        .setType(Parameter.Type.OTHER)
        .optShape(new Shape(channels))
        .optInitializer(Initializer.ZEROS)
        .build());
  }

  public int channels() {
    return channels;
  }

  /** To be called with the slopes whenever they are set (the block does not read them back). */
  public void slopesSet(float[] slopes) {
    boolean atMostOne = true;
    for (float s : slopes) {
      atMostOne &= s <= 1;
    }
    slopesAtMostOne = atMostOne;
  }

  @Override
  protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
      PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    NDArray a = store.getValue(alpha, x.getDevice(), training);
    if (!training && FusedPrelu.available() && FusedPrelu.accepts(x, a)) {
      return new NDList(FusedPrelu.apply(x, a)); // one pass; see FusedPrelu for the measured gain
    }
    long[] shape = new long[x.getShape().dimension()];
    java.util.Arrays.fill(shape, 1);
    shape[1] = channels;
    // Arrays derived from the parameter would attach to the weights' manager and live as long as
    // the model; close them here.
    try (NDArray view = a.reshape(new Shape(shape))) {
      if (slopesAtMostOne) {
        // for a <= 1 (negative slopes included), PReLU is max(x, a * x): two passes, exact
        try (NDArray scaled = x.mul(view)) {
          return new NDList(x.maximum(scaled));
        }
      }
      // otherwise x + (alpha - 1) * min(x, 0): one new array and two in-place passes
      try (NDArray slopeMinusOne = view.sub(1f)) {
        return new NDList(x.minimum(0f).muli(slopeMinusOne).addi(x));
      }
    }
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return inputShapes;
  }

  @Override
  protected void initializeChildBlocks(ai.djl.ndarray.NDManager manager, DataType dataType,
      Shape... inputShapes) {
    // no children
  }
}
