package io.emotionstream.emotion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * TensorFlow's {@code 'same'} padding for NCHW arrays. TF pads {@code max((ceil(n/s)-1)*s + k - n, 0)}
 * in total and puts the odd pixel at the bottom/right; with stride 2 on an even size that is one
 * pixel at the bottom/right only, which PyTorch's symmetric convolution padding cannot express.
 */
final class TfSamePadding {

  private TfSamePadding() {}

  static NDArray pad(NDArray x, int kernel, int stride) {
    long h = x.getShape().get(2);
    long w = x.getShape().get(3);
    long padH = total(h, kernel, stride);
    long padW = total(w, kernel, stride);
    if (padH == 0 && padW == 0) {
      return x;
    }
    // constant_pad_nd order: last axis first (left, right, top, bottom)
    return x.pad(new Shape(padW / 2, padW - padW / 2, padH / 2, padH - padH / 2), 0);
  }

  static long total(long size, int kernel, int stride) {
    long out = (size + stride - 1) / stride;
    return Math.max((out - 1) * stride + kernel - size, 0);
  }

  static long outputSize(long size, int stride) {
    return (size + stride - 1) / stride;
  }
}
