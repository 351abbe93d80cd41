package io.emotionstream.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class FaceResolutionTest {

  /** 48x48 vertical stripes one pixel wide: all detail, gone when seen at a quarter of the size. */
  private static GreyImage stripes() {
    byte[] p = new byte[48 * 48];
    for (int y = 0; y < 48; y++) {
      for (int x = 0; x < 48; x++) {
        p[y * 48 + x] = (byte) (x % 2 == 0 ? 0 : 255);
      }
    }
    return new GreyImage(48, 48, p);
  }

  @Test
  void fineDetailIsAveragedAwayAtASmallSize() {
    GreyImage seen = FaceResolution.atSide(stripes(), 12);
    assertEquals(48, seen.width());
    assertEquals(48, seen.height());
    for (int x = 4; x < 44; x++) {
      assertTrue(Math.abs(seen.at(x, 24) - 128) <= 1, "pixel " + x + " = " + seen.at(x, 24));
    }
  }

  @Test
  void smoothImagesSurviveAndFullSizeIsUntouched() {
    byte[] p = new byte[48 * 48];
    for (int y = 0; y < 48; y++) {
      for (int x = 0; x < 48; x++) {
        p[y * 48 + x] = (byte) (x * 5);
      }
    }
    GreyImage ramp = new GreyImage(48, 48, p);
    GreyImage seen = FaceResolution.atSide(ramp, 24);
    for (int x = 2; x < 46; x++) {
      assertTrue(Math.abs(seen.at(x, 10) - ramp.at(x, 10)) <= 3, "pixel " + x);
    }
    assertSame(ramp, FaceResolution.atSide(ramp, 48));
  }

  @Test
  void labelsAndOrderAreKeptAndTinySidesRefused() {
    LabelledFaces faces = new LabelledFaces(List.of("happy", "sad"));
    faces.add(stripes(), 1);
    faces.add(stripes(), 0);
    LabelledFaces seen = FaceResolution.atSide(faces, 20);
    assertEquals(2, seen.size());
    assertEquals(1, seen.label(0));
    assertEquals(0, seen.label(1));
    assertThrows(IllegalArgumentException.class, () -> FaceResolution.atSide(faces, 3));
  }
}
