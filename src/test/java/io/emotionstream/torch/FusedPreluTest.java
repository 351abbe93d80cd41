package io.emotionstream.torch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FusedPreluTest {

  /** max(x, 0) + a[c] * min(x, 0), written out in Java. */
  private static float[] expected(float[] x, float[] slopes, int n, int c, int plane) {
    float[] out = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      int channel = (i / plane) % c;
      out[i] = x[i] > 0 ? x[i] : slopes[channel] * x[i];
    }
    return out;
  }

  @Test
  void matchesTheDefinitionOnChannelsFirstAndChannelsLastArrays() {
    assertTrue(FusedPrelu.available(), "libtorch's prelu should be reachable in the bundled libtorch");
    Random random = new Random(7);
    int n = 2, c = 16, h = 9, w = 11;
    float[] x = new float[n * c * h * w];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    float[] slopes = new float[c];
    for (int k = 0; k < c; k++) {
      slopes[k] = -1.3f + 2.6f * k / (c - 1); // negative, between 0 and 1, and above 1
    }
    float[] want = expected(x, slopes, n, c, h * w);
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      NDArray a = m.create(slopes);
      NDArray nchw = m.create(x, new Shape(n, c, h, w));
      assertArrayEquals(want, FusedPrelu.apply(nchw, a).toFloatArray(), 0f);
      // the same values in channels-last memory, seen as (n, c, h, w): the detector's layout
      NDArray nhwc = nchw.transpose(0, 2, 3, 1).duplicate().transpose(0, 3, 1, 2);
      NDArray y = FusedPrelu.apply(nhwc, a);
      assertEquals(new Shape(n, c, h, w), y.getShape());
      assertArrayEquals(want, y.toFloatArray(), 0f);
      assertEquals(m, y.getManager());
      // and a (batch, features) array, as after a dense layer
      NDArray flat = m.create(new float[] {-1, 2, -3, 4}, new Shape(2, 2));
      assertArrayEquals(new float[] {1.3f, 2, 3.9f, 4}, FusedPrelu.apply(flat, m.create(new float[] {-1.3f, -1.3f}))
          .toFloatArray(), 1e-6f);
    }
  }

  @Test
  void refusesWhatLibtorchWouldThrowOn() {
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      NDArray x = m.zeros(new Shape(1, 4, 3, 3));
      NDArray wrongCount = m.zeros(new Shape(3));
      NDArray wrongType = m.zeros(new Shape(4), DataType.FLOAT64);
      NDArray twoAxes = m.zeros(new Shape(4, 1));
      assertFalse(FusedPrelu.accepts(x, wrongCount));
      assertFalse(FusedPrelu.accepts(x, wrongType));
      assertFalse(FusedPrelu.accepts(x, twoAxes));
      assertFalse(FusedPrelu.accepts(m.zeros(new Shape(4)), m.zeros(new Shape(4))));
      assertTrue(FusedPrelu.accepts(x, m.zeros(new Shape(4))));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FusedPrelu.apply(x, wrongCount));
      assertTrue(e.getMessage().contains("(1, 4, 3, 3)") && e.getMessage().contains("(3)"), e.getMessage());
    }
  }
}
