package io.emotionstream.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;

/** Comparing bfloat16 results with float32 ones: every value within a share of the largest expected value. */
final class Bfloat16Assertions {

  private Bfloat16Assertions() {}

  /**
   * bfloat16 rounds each operand of a sum of products to 8 significant bits, so the error of an
   * output scales with the size of the sum, not with the output itself (which may be near 0).
   */
  static void assertWithinShareOfLargest(NDArray expected, NDArray actual, float share, String what) {
    assertEquals(expected.getShape(), actual.getShape(), what);
    float[] e = expected.toFloatArray();
    float[] a = actual.toFloatArray();
    float largest = 0;
    for (float v : e) {
      largest = Math.max(largest, Math.abs(v));
    }
    for (int i = 0; i < e.length; i++) {
      assertEquals(e[i], a[i], share * largest, what + ", value " + i);
    }
  }
}
