package io.emotionstream.torch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import org.junit.jupiter.api.Test;

/** NNPACK is switched off in the real libtorch, and convolutions still run and give the same numbers. */
class NativeTorchTest {

  @Test
  void nnpackIsOffAndConvolutionsStillRun() {
    float[] before;
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      before = convolve(manager);
    }
    assertTrue(NativeTorch.disableNnpack(), "NNPACK could not be switched off");
    assertEquals(Boolean.FALSE, NativeTorch.nnpackEnabled());
    assertTrue(NativeTorch.disableNnpack(), "a second call answers the same");
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      assertArrayEquals(before, convolve(manager), 1e-5f);
    }
  }

  /** A 3x3 convolution of a batch of 16 (the batch size from which libtorch considers NNPACK). */
  private static float[] convolve(NDManager manager) {
    NDArray input = manager.arange(16f * 4 * 12 * 12).reshape(16, 4, 12, 12).div(1000f);
    NDArray weight = manager.arange(8f * 4 * 3 * 3).reshape(8, 4, 3, 3).div(100f).sub(0.5f);
    return Conv2d.conv2d(input, weight, null, new Shape(1, 1), new Shape(1, 1), new Shape(1, 1)).singletonOrThrow()
        .toFloatArray();
  }
}
