package io.emotionstream.torch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.pooling.Pool;
import io.emotionstream.stats.CpuInfo;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Tensors in oneDNN's layout: there and back unchanged, and the detector's operators on them. */
class OneDnnTensorsTest {

  @Test
  void valuesComeBackUnchangedAndTheDetectorsOperatorsWorkOnThem() {
    assertTrue(OneDnnTensors.available(), "the bundled libtorch should have oneDNN tensors");
    Random random = new Random(5);
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      float[] values = new float[3 * 13 * 11 * 16];
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) random.nextGaussian();
      }
      NDArray x = m.create(values, new Shape(3, 13, 11, 16)).transpose(0, 3, 1, 2); // channels-last view
      NDArray oneDnn = OneDnnTensors.toOneDnn(x);
      NDArray back = OneDnnTensors.toDense(oneDnn);
      assertEquals(x.getShape(), back.getShape());
      assertArrayEquals(x.toFloatArray(), back.toFloatArray(), 0f);

      float[] w = new float[32 * 16 * 3 * 3];
      for (int i = 0; i < w.length; i++) {
        w[i] = (float) random.nextGaussian() * 0.1f;
      }
      NDArray weight = m.create(w, new Shape(32, 16, 3, 3));
      NDArray bias = m.create(new float[32]).add(0.25f);
      // convolution then 3x3 stride-2 max pooling with ceil mode, as in R-Net
      NDArray expected = Pool.maxPool2d(Conv2d.conv2d(x, weight, bias, new Shape(1, 1), new Shape(0, 0), new Shape(1, 1),
          1).singletonOrThrow(), new Shape(3, 3), new Shape(2, 2), new Shape(0, 0), true);
      NDArray actual = OneDnnTensors.toDense(Pool.maxPool2d(Conv2d.conv2d(oneDnn, weight, bias, new Shape(1, 1),
          new Shape(0, 0), new Shape(1, 1), 1).singletonOrThrow(), new Shape(3, 3), new Shape(2, 2), new Shape(0, 0),
          true));
      assertEquals(expected.getShape(), actual.getShape());
      float[] e = expected.toFloatArray();
      float[] a = actual.toFloatArray();
      for (int i = 0; i < e.length; i++) {
        assertEquals(e[i], a[i], 1e-5f * (1 + Math.abs(e[i])), "value " + i);
      }
      assertThrows(IllegalArgumentException.class, () -> OneDnnTensors.toOneDnn(x.toType(DataType.INT32, false)));
    }
  }

  /** Gaussian values of {@code shape} times {@code scale}, the same from the same {@code random}. */
  private static NDArray gaussian(NDManager m, Random random, Shape shape, float scale) {
    float[] v = new float[Math.toIntExact(shape.size())];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) random.nextGaussian() * scale;
    }
    return m.create(v, shape);
  }

  /**
   * bfloat16 in oneDNN's layout, where the CPU has it: values rounded to bfloat16 and back, and R-Net's
   * first operators (convolution, PReLU, pooling) on it with bfloat16 weights within bfloat16's
   * rounding of float32's results; float32 arrays are refused by the bfloat16 PReLU.
   *
   * <p>The convolution has R-Net's first layer's shape as the detector builds it: 28 filters widened
   * to 32 with zero filters ({@code MtcnnNetworks}). With 28 output channels, libtorch 2.7.1's
   * bfloat16 oneDNN convolution was right on an AMD EPYC family 25 but gave wrong values for the last
   * 12 channels (off by up to 1.8 on values up to 5.2) on a family 26, as its float32 convolution does
   * for input channel counts that are not a multiple of 16: the reason for the widening.
   */
  @Test
  void bfloat16RoundsValuesAndRunsTheDetectorsOperators() {
    assumeTrue(OneDnnTensors.bfloat16Available(), "skipped: no native bfloat16 on this CPU (needs avx512_bf16)");
    Random random = new Random(7);
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      NDArray x = gaussian(m, random, new Shape(4, 3, 24, 24), 1f);
      float[] values = x.toFloatArray();
      NDArray half = OneDnnTensors.toOneDnnBfloat16(x);
      float[] back = OneDnnTensors.toDense(half).toFloatArray();
      for (int i = 0; i < values.length; i++) {
        assertEquals(values[i], back[i], Math.abs(values[i]) / 256 + 1e-30f, "value " + i);
      }
      NDArray filters = gaussian(m, random, new Shape(28, 3, 3, 3), 0.2f);
      NDArray weight = filters.concat(m.zeros(new Shape(4, 3, 3, 3)), 0);
      NDArray bias = gaussian(m, random, new Shape(28), 0.1f).concat(m.zeros(new Shape(4)), 0);
      NDArray slopes = gaussian(m, random, new Shape(32), 0.25f);
      Shape one = new Shape(1, 1);
      Shape zero = new Shape(0, 0);
      NDArray expected = Pool.maxPool2d(FusedPrelu.apply(Conv2d.conv2d(x, weight, bias, one, zero, one, 1)
          .singletonOrThrow(), slopes), new Shape(3, 3), new Shape(2, 2), zero, true);
      NDArray actual = OneDnnTensors.toDense(Pool.maxPool2d(FusedPrelu.applyBfloat16OneDnn(
          Conv2d.conv2d(half, OneDnnTensors.toOneDnnBfloat16(weight), OneDnnTensors.toOneDnnBfloat16(bias), one, zero,
              one, 1).singletonOrThrow(), OneDnnTensors.toOneDnnBfloat16(slopes)), new Shape(3, 3), new Shape(2, 2), zero,
          true));
      // 27 products of bfloat16-rounded inputs and weights, each off by up to 2^-7 of itself
      Bfloat16Assertions.assertWithinShareOfLargest(expected, actual, 0.02f, "convolution, PReLU, max pooling");
      assertThrows(IllegalArgumentException.class, () -> FusedPrelu.applyBfloat16OneDnn(x, slopes));
      assertThrows(IllegalArgumentException.class, () -> OneDnnTensors.toOneDnnBfloat16(x.toType(DataType.INT32, false)));
    }
  }

  @Test
  void ordinaryBfloat16ArraysKeepShapeAndComeBackWithinRounding() {
    assumeTrue(OneDnnTensors.bfloat16Available(), "this CPU has no native bfloat16 (avx512_bf16)");
    Random random = new Random(9);
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      float[] values = new float[2 * 5 * 6 * 8];
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) random.nextGaussian() * 10;
      }
      NDArray x = m.create(values, new Shape(2, 5, 6, 8)).transpose(0, 3, 1, 2); // channels-last view
      NDArray half = OneDnnTensors.toBfloat16(x);
      assertEquals(DataType.UNKNOWN, half.getDataType(), "DJL does not name bfloat16");
      assertEquals(x.getShape(), half.getShape());
      float[] expected = x.toFloatArray();
      float[] back = OneDnnTensors.toDense(half).toFloatArray();
      boolean rounded = false;
      for (int i = 0; i < expected.length; i++) {
        assertEquals(expected[i], back[i], Math.abs(expected[i]) / 256, "value " + i);
        rounded |= expected[i] != back[i];
      }
      assertTrue(rounded, "bfloat16 keeps 8 significant bits, so random values change");
      assertThrows(IllegalArgumentException.class, () -> OneDnnTensors.toBfloat16(half));
    }
  }

  @Test
  void bfloat16NeedsEveryCpuFlag() {
    String zen4 = "processor : 0\nflags : fpu avx2 avx512f avx512dq avx512bw avx512vl avx512_bf16 avx512_vnni\n";
    assertEquals(java.util.List.of(), CpuInfo.parse(zen4).missing(OneDnnTensors.BFLOAT16_FLAGS));
    assertEquals(java.util.List.of("avx512_bf16"),
        CpuInfo.parse(zen4.replace(" avx512_bf16", "")).missing(OneDnnTensors.BFLOAT16_FLAGS));
    assertEquals(java.util.List.of("avx512bw", "avx512vl", "avx512dq", "avx512_bf16"),
        CpuInfo.parse("flags : fpu avx2 fma\n").missing(OneDnnTensors.BFLOAT16_FLAGS));
    assertEquals(4, CpuInfo.parse("").missing(OneDnnTensors.BFLOAT16_FLAGS).size());
  }
}
