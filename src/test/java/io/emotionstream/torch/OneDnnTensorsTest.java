package io.emotionstream.torch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.pooling.Pool;
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
}
