package io.emotionstream.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MedianTest {

  @Test
  void oddCountsGiveTheMiddleValueEvenCountsTheMeanOfTheTwoMiddleOnes() {
    assertEquals(3.0, Median.of(5, 1, 3));
    assertEquals(2.5, Median.of(4, 1, 3, 2));
    assertEquals(7.0, Median.of(7));
    assertEquals(1.5, Median.of(List.of(2, 1L)));
    assertEquals(2.0, Median.of(List.of(1.0, 9.0, 2.0)));
  }

  @Test
  void noValuesGiveNaNAndTheInputIsLeftInItsOrder() {
    assertTrue(Double.isNaN(Median.of()));
    assertTrue(Double.isNaN(Median.of(List.of())));
    double[] values = {3, 1, 2};
    Median.of(values);
    assertArrayEquals(new double[] {3, 1, 2}, values);
  }
}
