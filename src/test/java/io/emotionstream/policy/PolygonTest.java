package io.emotionstream.policy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PolygonTest {

  @Test
  void containsPointsInsideAConcavePolygon() {
    // an L: the left column and the bottom row of a 2x2 grid
    Polygon l = new Polygon(new double[] {0, 0.5, 0.5, 1, 1, 0}, new double[] {0, 0, 0.5, 0.5, 1, 1});
    assertTrue(l.contains(0.25, 0.25));
    assertTrue(l.contains(0.75, 0.75));
    assertTrue(l.contains(0.25, 0.75));
    assertFalse(l.contains(0.75, 0.25), "the notch of the L");
    assertFalse(l.contains(1.5, 0.75));
  }

  @Test
  void neighboursSharingAnEdgeNeverBothClaimAPoint() {
    Polygon left = Polygon.rectangle(0, 0, 0.5, 1);
    Polygon right = Polygon.rectangle(0.5, 0, 1, 1);
    for (double y = 0.05; y < 1; y += 0.1) {
      assertTrue(left.contains(0.5, y) ^ right.contains(0.5, y));
    }
  }

  @Test
  void pixelsAreMappedThroughTheFrameSize() {
    Polygon right = Polygon.rectangle(0.5, 0, 1, 1);
    assertTrue(right.containsPixel(400, 10, 640, 480));
    assertFalse(right.containsPixel(300, 10, 640, 480));
    assertTrue(right.containsPixel(1000, 10, 1920, 1080));
  }

  @Test
  void rejectsCornersOutsideTheFrameAndDegeneratePolygons() {
    assertThrows(IllegalArgumentException.class, () -> new Polygon(new double[] {0, 1.2, 1}, new double[] {0, 0, 1}));
    assertThrows(IllegalArgumentException.class, () -> new Polygon(new double[] {0, 1}, new double[] {0, 1}));
    assertThrows(IllegalArgumentException.class, () -> new Polygon(new double[] {0, Double.NaN, 1}, new double[] {0, 0, 1}));
  }
}
