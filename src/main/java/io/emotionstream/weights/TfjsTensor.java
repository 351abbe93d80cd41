package io.emotionstream.weights;

import java.util.Arrays;

/**
 * One float tensor read from a TF.js model, in TensorFlow's layout (convolution kernels HWIO,
 * depthwise kernels HWC1, dense kernels [in, out]).
 *
 * @param name the manifest's name, e.g. {@code dense0/conv1/depthwise_filter}
 * @param shape the manifest's shape
 * @param data the values, dequantised, row-major
 */
public record TfjsTensor(String name, int[] shape, float[] data) {

  public TfjsTensor {
    long size = 1;
    for (int d : shape) {
      size *= d;
    }
    if (size != data.length) {
      throw new IllegalArgumentException(name + ": shape " + Arrays.toString(shape) + " needs "
          + size + " values, got " + data.length);
    }
  }

  /** The shape as longs, for DJL. */
  public long[] longShape() {
    return Arrays.stream(shape).asLongStream().toArray();
  }
}
