package io.emotionstream.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * oneDNN's convolutions with weights packed once give libtorch's eager convolution's values (within
 * float rounding: 1e-4 relative), with relu and with a residual sum, at the batch size they were
 * packed for and at others.
 */
class PrepackedConvolutionTest {

  private static final float TOLERANCE = 1e-4f;

  @ParameterizedTest(name = "{0} -> {1} channels, {2}x{2} kernel, stride {3}, padding {4}, {5}x{5} input")
  @CsvSource({
      "1, 64, 7, 2, 3, 48", // the grey stem
      "64, 64, 3, 1, 1, 12",
      "64, 128, 3, 2, 1, 12",
      "256, 512, 3, 2, 1, 3",
      "512, 512, 3, 1, 1, 2",
      "32, 16, 1, 1, 0, 5"})
  void matchesTheEagerConvolution(int in, int out, int kernel, int stride, int padding, int side) {
    assertTrue(PrepackedConvolution.available(), "the bundled libtorch should have oneDNN's prepacked convolution");
    Random random = new Random(in * 31L + out);
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      NDArray w = m.create(gaussians(random, out * in * kernel * kernel, 0.1), new Shape(out, in, kernel, kernel));
      NDArray b = m.create(gaussians(random, out, 1));
      try (PrepackedConvolution.Packed packed = PrepackedConvolution.pack(w, b, stride, padding,
          new Shape(8, in, side, side))) {
        for (int batch : new int[] {1, 3, 8, 32}) {
          NDArray x = m.create(gaussians(random, batch * in * side * side, 1), new Shape(batch, in, side, side));
          NDArray expected = Conv2d.conv2d(x, w, b, new Shape(stride, stride), new Shape(padding, padding),
              new Shape(1, 1), 1).singletonOrThrow();
          assertClose(expected, PrepackedConvolution.convolve(x, packed, false), "batch " + batch);
          assertClose(expected.maximum(0f), PrepackedConvolution.convolve(x, packed, true), "relu, batch " + batch);
          NDArray residual = channelsLast(m.create(gaussians(random, (int) expected.size(), 1), expected.getShape()));
          assertClose(expected.add(residual).maximum(0f), PrepackedConvolution.convolveAddRelu(x, residual, packed),
              "residual sum and relu, batch " + batch);
        }
      }
    }
  }

  /**
   * In bfloat16 (where the CPU has it): each product's operands rounded to 8 significant bits and
   * the output too, so the values lie within 2% of the largest output of the eager float32
   * convolution; relu and the residual sum the same way.
   */
  @ParameterizedTest(name = "bfloat16: {0} -> {1} channels, {2}x{2} kernel, stride {3}, padding {4}, {5}x{5} input")
  @CsvSource({
      "1, 64, 7, 2, 3, 48",
      "64, 128, 3, 2, 1, 12",
      "512, 512, 3, 1, 1, 2",
      "128, 256, 1, 2, 0, 6"})
  void matchesTheEagerConvolutionInBfloat16(int in, int out, int kernel, int stride, int padding, int side) {
    assumeTrue(OneDnnTensors.bfloat16Available(), "this CPU has no native bfloat16 (avx512_bf16)");
    Random random = new Random(in * 17L + out);
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      NDArray w = m.create(gaussians(random, out * in * kernel * kernel, 0.1), new Shape(out, in, kernel, kernel));
      NDArray b = m.create(gaussians(random, out, 1));
      try (PrepackedConvolution.Packed packed = PrepackedConvolution.packBfloat16(w, b, stride, padding,
          new Shape(8, in, side, side))) {
        assertTrue(packed.bfloat16());
        NDArray float32 = m.create(gaussians(random, in * side * side, 1), new Shape(1, in, side, side));
        assertThrows(IllegalArgumentException.class, () -> PrepackedConvolution.convolve(float32, packed, false),
            "bfloat16 weights refuse float32 activations");
        for (int batch : new int[] {1, 8, 32}) {
          NDArray x = m.create(gaussians(random, batch * in * side * side, 1), new Shape(batch, in, side, side));
          NDArray expected = Conv2d.conv2d(x, w, b, new Shape(stride, stride), new Shape(padding, padding),
              new Shape(1, 1), 1).singletonOrThrow();
          NDArray x16 = OneDnnTensors.toBfloat16(channelsLast(x));
          assertNear(expected, OneDnnTensors.toDense(PrepackedConvolution.convolve(x16, packed, false)),
              "batch " + batch);
          assertNear(expected.maximum(0f), OneDnnTensors.toDense(PrepackedConvolution.convolve(x16, packed, true)),
              "relu, batch " + batch);
          NDArray residual = channelsLast(m.create(gaussians(random, (int) expected.size(), 1), expected.getShape()));
          assertNear(expected.add(residual).maximum(0f), OneDnnTensors.toDense(
              PrepackedConvolution.convolveAddRelu(x16, OneDnnTensors.toBfloat16(residual), packed)),
              "residual sum and relu, batch " + batch);
        }
      }
    }
  }

  @Test
  void outputsAreChannelsLastArraysOfTheInputsManager() {
    assertTrue(PrepackedConvolution.available());
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch"); NDManager scope = m.newSubManager()) {
      NDArray w = m.ones(new Shape(16, 16, 3, 3));
      NDArray b = m.zeros(new Shape(16));
      try (PrepackedConvolution.Packed packed = PrepackedConvolution.pack(w, b, 1, 1, new Shape(1, 16, 4, 4))) {
        NDArray y = PrepackedConvolution.convolve(scope.ones(new Shape(1, 16, 4, 4)), packed, false);
        assertEquals(scope, y.getManager());
        assertEquals(new Shape(1, 16, 4, 4), y.getShape());
        // a corner sees 2 x 2 of the 3 x 3 window on each of 16 channels
        assertEquals(64f, y.toFloatArray()[0], 0f);
        // channels-last: the 16 channels of the first pixel come first in memory
        NDArray firstPixel = y.transpose(0, 2, 3, 1).flatten().get("0:16");
        assertEquals(16 * 64f, firstPixel.sum().getFloat(), 0f);
      }
    }
  }

  @Test
  void refusesWhatItCannotTake() {
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      NDArray w = m.ones(new Shape(16, 16, 3, 3));
      assertThrows(IllegalArgumentException.class,
          () -> PrepackedConvolution.pack(w, m.zeros(new Shape(8)), 1, 1, new Shape(1, 16, 4, 4)));
      assertThrows(IllegalArgumentException.class,
          () -> PrepackedConvolution.pack(w, null, 1, 1, new Shape(1, 8, 4, 4)));
      try (PrepackedConvolution.Packed packed = PrepackedConvolution.pack(w, null, 1, 1, new Shape(1, 16, 4, 4))) {
        assertThrows(IllegalArgumentException.class,
            () -> PrepackedConvolution.convolve(m.ones(new Shape(16, 4, 4)), packed, true));
        // a wrong channel count is libtorch's error, reported as an exception, not a crash
        assertThrows(IllegalStateException.class,
            () -> PrepackedConvolution.convolve(m.ones(new Shape(1, 8, 4, 4)), packed, true));
        NDArray y = PrepackedConvolution.convolve(m.ones(new Shape(1, 16, 4, 4)), packed, false);
        assertEquals(144f, y.toFloatArray()[5], 0f); // no bias: an inner pixel sums 16 x 9 ones
      }
    }
  }

  private static NDArray channelsLast(NDArray nchw) {
    Shape s = nchw.getShape();
    return nchw.transpose(0, 2, 3, 1).flatten().reshape(s.get(0), s.get(2), s.get(3), s.get(1)).transpose(0, 3, 1, 2);
  }

  private static void assertNear(NDArray expected, NDArray actual, String what) {
    Bfloat16Assertions.assertWithinShareOfLargest(expected, actual, 0.02f, what);
  }

  private static void assertClose(NDArray expected, NDArray actual, String what) {
    assertEquals(expected.getShape(), actual.getShape(), what);
    float[] e = expected.toFloatArray();
    float[] a = actual.toFloatArray();
    for (int i = 0; i < e.length; i++) {
      assertEquals(e[i], a[i], TOLERANCE * (1 + Math.abs(e[i])), what + ", value " + i);
    }
  }

  private static float[] gaussians(Random random, int n, double scale) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (random.nextGaussian() * scale);
    }
    return v;
  }
}
