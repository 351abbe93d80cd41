package io.emotionstream.detect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The detector's reused input and output memory gives the same tensors as fresh arrays. */
class ScratchBuffersTest {

  private static NDManager manager;

  @BeforeAll
  static void start() {
    manager = NDManager.newBaseManager("PyTorch");
  }

  @AfterAll
  static void stop() {
    manager.close();
  }

  private static float[] random(long seed, int n) {
    Random r = new Random(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return v;
  }

  @Test
  void inputsAreTheChannelsLastViewOfTheValuesEvenWhenTheBufferIsReusedSmaller() {
    ScratchBuffers scratch = ScratchBuffers.local();
    int[][] shapes = {{2, 7, 5}, {1, 3, 4}, {3, 9, 11}, {1, 2, 2}};
    for (int k = 0; k < shapes.length; k++) {
      int n = shapes[k][0], h = shapes[k][1], w = shapes[k][2];
      float[] values = random(k, n * h * w * 3);
      System.arraycopy(values, 0, scratch.values(values.length), 0, values.length);
      try (NDManager m = manager.newSubManager()) {
        NDArray got = scratch.input(m, n, h, w);
        NDArray expected = NetworkInputs.channelsLast(m, values, n, h, w);
        assertEquals(new Shape(n, 3, h, w), got.getShape());
        assertArrayEquals(expected.toFloatArray(), got.toFloatArray(), "shape " + Arrays.toString(shapes[k]));
      }
    }
  }

  @Test
  void outputsAreInChannelsLastOrderWhateverTheLayout() {
    ScratchBuffers scratch = ScratchBuffers.local();
    try (NDManager m = manager.newSubManager()) {
      for (int[] s : new int[][] {{1, 6, 13, 9}, {2, 6, 3, 4}}) {
        NDArray nchw = m.create(random(s[2], s[0] * s[1] * s[2] * s[3]), new Shape(s[0], s[1], s[2], s[3]));
        float[] expected = transposedValues(nchw);
        float[] got = scratch.outputs(nchw);
        assertArrayEquals(expected, Arrays.copyOf(got, expected.length));
        // a channels-last tensor (what the networks return) reads back as the values it was made of
        float[] nhwc = random(s[3], expected.length);
        NDArray channelsLast = m.create(nhwc, new Shape(s[0], s[2], s[3], s[1])).transpose(0, 3, 1, 2);
        assertArrayEquals(nhwc, Arrays.copyOf(scratch.outputs(channelsLast), nhwc.length));
      }
    }
  }

  @Test
  void eachThreadHasItsOwnBuffers() throws Exception {
    ScratchBuffers here = ScratchBuffers.local();
    assertSame(here, ScratchBuffers.local());
    ScratchBuffers there = CompletableFuture.supplyAsync(ScratchBuffers::local).get();
    assertNotSame(here, there);
  }

  /** The reference the kept buffer is checked against: a transposed copy read in (n, h, w, c) order. */
  private static float[] transposedValues(NDArray nchw) {
    try (NDArray nhwc = nchw.transpose(0, 2, 3, 1)) {
      return nhwc.toFloatArray();
    }
  }
}
