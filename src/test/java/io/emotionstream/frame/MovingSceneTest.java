package io.emotionstream.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.schema.ImageEncoding;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

class MovingSceneTest {

  @Test
  void panMovesAcrossThePhotoAndZoomComesBack() {
    double[] first = MovingScene.window(MovingScene.Motion.PAN, 2000, 1000, 16 / 9.0, 0, 10);
    double[] last = MovingScene.window(MovingScene.Motion.PAN, 2000, 1000, 16 / 9.0, 9, 10);
    assertEquals(0, first[0], 1e-9);
    assertEquals(2000, last[0] + last[2], 1e-9, "the pan ends at the photo's right border");
    assertEquals(16 / 9.0, first[2] / first[3], 1e-9);
    double[] start = MovingScene.window(MovingScene.Motion.ZOOM, 2000, 1000, 16 / 9.0, 0, 11);
    double[] middle = MovingScene.window(MovingScene.Motion.ZOOM, 2000, 1000, 16 / 9.0, 5, 11);
    double[] end = MovingScene.window(MovingScene.Motion.ZOOM, 2000, 1000, 16 / 9.0, 10, 11);
    assertEquals(0.45 * start[2], middle[2], 1e-6, "the zoom's tightest view is 45% of the widest");
    assertTrue(Arrays.equals(start, end) || Math.abs(start[2] - end[2]) < 1e-6);
  }

  @Test
  void framesHaveTheAskedSizeAndDifferFromEachOther() {
    try (Mat photo = new Mat(600, 900, opencv_core.CV_8UC3, new Scalar(0, 0, 0, 0))) {
      // a gradient, so that every window shows other pixels
      var idx = photo.createIndexer();
      for (int y = 0; y < 600; y++) {
        for (int x = 0; x < 900; x++) {
          ((org.bytedeco.javacpp.indexer.UByteIndexer) idx).put(y, x, 0, x * 255 / 900);
        }
      }
      idx.release();
      List<EncodedImage> frames = MovingScene.frames(photo, MovingScene.Motion.PAN, 4, 320, 180,
          new ImageEncoder(ImageEncoding.PNG, 0, 90));
      assertEquals(4, frames.size());
      for (EncodedImage f : frames) {
        assertEquals(320, f.width());
        assertEquals(180, f.height());
      }
      assertFalse(Arrays.equals(frames.get(0).bytes(), frames.get(3).bytes()));
      assertThrows(IllegalArgumentException.class, () -> MovingScene.frames(photo, MovingScene.Motion.ZOOM, 1, 320,
          180, new ImageEncoder(ImageEncoding.PNG, 0, 90)));
    }
  }
}
