package io.emotionstream.emotion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Copies of N x C x H x W activations into a chosen memory layout, for libtorch's kernels that
 * follow the layout of their input: a convolution, batch norm, relu or max pooling given a
 * channels-last tensor (each pixel's channels side by side) returns one, and one given a plain
 * (NCHW) tensor returns a plain one. The shape is the same either way; only the strides differ.
 *
 * <p>Ours because DJL's NDArray has no memory-format argument ({@code tensor.to(memory_format=)} in
 * PyTorch). The copies are made of a transpose and a reshape, which libtorch's autograd follows, so
 * gradients flow through them like through PyTorch's own conversion.
 */
final class MemoryLayout {

  private MemoryLayout() {}

  /** {@code nchw}'s values in channels-last memory, the same N x C x H x W shape. */
  static NDArray channelsLast(NDArray nchw) {
    Shape s = nchw.getShape();
    return nchw.transpose(0, 2, 3, 1).flatten().reshape(s.get(0), s.get(2), s.get(3), s.get(1))
        .transpose(0, 3, 1, 2);
  }

  /**
   * A grey N x 1 x H x W batch replicated to three channels, in channels-last memory (made in that
   * layout, no second copy).
   */
  static NDArray greyToChannelsLastRgb(NDArray grey) {
    Shape s = grey.getShape();
    return grey.reshape(s.get(0), s.get(2), s.get(3), 1).repeat(3, 3).transpose(0, 3, 1, 2);
  }

  /** {@code x}'s values in plain (NCHW) memory; a reshape of a channels-last tensor copies it. */
  static NDArray plain(NDArray x) {
    return x.flatten().reshape(x.getShape());
  }
}
