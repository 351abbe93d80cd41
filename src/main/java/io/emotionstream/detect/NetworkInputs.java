package io.emotionstream.detect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Builds network inputs in PyTorch's channels-last memory layout: the data is written pixel by
 * pixel (N, H, W, C) and handed to the networks as an (N, C, H, W) view of it.
 *
 * <p>Why: the networks' shapes are NCHW, but on the CPU PyTorch's max pooling is several times
 * faster on channels-last tensors (it vectorises over channels instead of walking planes and
 * computing indices), and oneDNN convolutions keep that layout from layer to layer. Image pixels
 * are interleaved anyway, so this layout needs no extra copy.
 */
final class NetworkInputs {

  private NetworkInputs() {}

  /** An (n, 3, h, w) view of interleaved (n, h, w, 3) values. */
  static NDArray channelsLast(NDManager manager, float[] nhwc, int n, int h, int w) {
    return manager.create(nhwc, new Shape(n, h, w, 3)).transpose(0, 3, 1, 2);
  }
}
