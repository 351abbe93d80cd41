package io.emotionstream.detect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.emotionstream.torch.FusedPrelu;
import io.emotionstream.torch.NativeAccess;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code -Demotionstream.torch.fallback=true} takes the plain path, with the native path's results. */
class PerChannelPreluFallbackTest {

  @AfterEach
  void clear() {
    System.clearProperty(NativeAccess.FALLBACK_PROPERTY);
  }

  @Test
  void theForcedFallbackGivesTheNativeResults() {
    int n = 2, c = 10, h = 7, w = 5;
    Random random = new Random(11);
    float[] x = new float[n * c * h * w];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    float[] slopes = new float[c];
    for (int k = 0; k < c; k++) {
      slopes[k] = -0.5f + k * 0.15f; // some above 1: the fallback's general form
    }
    float[] want = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      want[i] = x[i] > 0 ? x[i] : slopes[(i / (h * w)) % c] * x[i];
    }
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      PerChannelPrelu prelu = new PerChannelPrelu(c);
      prelu.initialize(m, DataType.FLOAT32, new Shape(n, c, h, w));
      prelu.getParameters().get("alpha").getArray().set(slopes);
      prelu.slopesSet(slopes);
      NDArray input = m.create(x, new Shape(n, c, h, w));

      assertTrue(FusedPrelu.available(), "the native path, without the switch");
      float[] fused = forward(prelu, m, input);
      System.setProperty(NativeAccess.FALLBACK_PROPERTY, "true");
      assertFalse(FusedPrelu.available(), "the switch turns the native path off");
      float[] plain = forward(prelu, m, input);

      assertArrayEquals(want, fused, 1e-6f);
      assertArrayEquals(fused, plain, 1e-5f);
    }
  }

  private static float[] forward(PerChannelPrelu prelu, NDManager m, NDArray input) {
    return prelu.forward(new ParameterStore(m, false), new NDList(input), false).singletonOrThrow().toFloatArray();
  }
}
