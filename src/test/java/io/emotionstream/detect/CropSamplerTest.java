package io.emotionstream.detect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

/** The summed-area crop sampler against pooling computed pixel by pixel, and boxes across the border. */
class CropSamplerTest {

  private static Mat noise(int w, int h) {
    Mat image = new Mat(h, w, opencv_core.CV_8UC3);
    try (Mat lo = new Mat(1, 1, opencv_core.CV_64F, new Scalar(0));
        Mat hi = new Mat(1, 1, opencv_core.CV_64F, new Scalar(256))) {
      opencv_core.setRNGSeed(5);
      opencv_core.randu(image, lo, hi);
    }
    return image;
  }

  /**
   * The mean of the pixels of one adaptive-average-pooling bin, summed pixel by pixel from the
   * image (not from the sampler's table), in the networks' values.
   */
  private static float pooled(UByteIndexer ix, int x0, int y0, int cw, int ch, int out, int cellX, int cellY,
      int rgb) {
    int xa = x0 + (int) Math.floor((double) cellX * cw / out);
    int xb = x0 + (int) Math.ceil((double) (cellX + 1) * cw / out);
    int ya = y0 + (int) Math.floor((double) cellY * ch / out);
    int yb = y0 + (int) Math.ceil((double) (cellY + 1) * ch / out);
    double sum = 0;
    for (int y = ya; y < yb; y++) {
      for (int x = xa; x < xb; x++) {
        sum += ix.get(y, x, 2 - rgb);  // BGR -> RGB
      }
    }
    return (float) ((sum / ((xb - xa) * (yb - ya)) - 127.5) / 128);
  }

  private static void assertPooled(Mat image, float[] got, int x0, int y0, int cw, int ch, int side) {
    try (UByteIndexer ix = image.createIndexer()) {
      for (int y = 0; y < side; y++) {
        for (int x = 0; x < side; x++) {
          for (int c = 0; c < 3; c++) {
            assertEquals(pooled(ix, x0, y0, cw, ch, side, x, y, c), got[(y * side + x) * 3 + c], 1e-4f,
                "pixel " + x + "," + y);
          }
        }
      }
    }
  }

  @Test
  void averagesTheBinsOfAdaptivePoolingInsideTheImage() {
    try (Mat image = noise(120, 90)) {
      // the crop covers [trunc(x1) - 1, trunc(x2)) = [10, 77) x [5, 72): 67 x 67 pixels
      Candidate box = new Candidate(11.7f, 6.2f, 77.9f, 72.4f, 1);
      assertPooled(image, new CropSampler(image).batch(List.of(box), 24), 10, 5, 67, 67, 24);
      // smaller than the crop: 15 x 15 pixels repeated onto 24 x 24
      Candidate small = new Candidate(31, 41, 45, 55, 1);
      assertPooled(image, new CropSampler(image).batch(List.of(small), 24), 30, 40, 15, 15, 24);
    }
  }

  @Test
  void pyramidLevelsAverageTheBinsOfTheWholeFrame() {
    try (Mat image = noise(48, 48)) {
      float[] got = new CropSampler(image).resized(29, 29);
      try (UByteIndexer ix = image.createIndexer()) {
        for (int y = 0; y < 29; y++) {
          for (int x = 0; x < 29; x++) {
            assertEquals(pooled(ix, 0, 0, 48, 48, 29, x, y, 0), got[(y * 29 + x) * 3], 1e-4f);
          }
        }
      }
    }
  }

  @Test
  void aBoxAcrossTheBorderIsCutToTheImageAndStretched() {
    try (Mat image = noise(60, 50)) {
      // [-21, 30) x [-11, 70): the image's part is [0, 30) x [0, 50), stretched to the whole crop
      Candidate across = new Candidate(-20.4f, -10.2f, 30.6f, 70.9f, 1);
      Candidate inside = new Candidate(1, 1, 30, 50, 1);
      CropSampler sampler = new CropSampler(image);
      float[] got = sampler.batch(List.of(across), 24);
      assertArrayEquals(sampler.batch(List.of(inside), 24), got, "the crop of the part inside the image");
      assertPooled(image, got, 0, 0, 30, 50, 24);
      assertEquals(-20.4f, across.x1, 0f, "the box keeps its extent past the border");
    }
  }

  @Test
  void aBoxWhollyOutsideGetsTheNearestColumn() {
    try (Mat image = new Mat(50, 50, opencv_core.CV_8UC3, Scalar.all(40))) {
      try (Mat column = image.col(0)) {
        column.put(Scalar.all(200));
      }
      Candidate box = new Candidate(-30, 5, -10, 25, 1);
      float[] got = new CropSampler(image).batch(List.of(box), 24);
      for (float v : got) {
        assertEquals((200 - 127.5f) / 128, v, 1e-5f);
      }
    }
  }

  @Test
  void framesTooLargeForIntegerSumsAreSampledAtHalfResolution() {
    // 4000 x 2200 x 255 overflows an int: the sampler works on a halved copy
    try (Mat image = new Mat(2200, 4000, opencv_core.CV_8UC3, new Scalar(10, 100, 200, 0))) {
      Candidate box = new Candidate(1001, 501, 1301, 801, 1);
      float[] got = new CropSampler(image).batch(List.of(box), 48);
      for (int i = 0; i < 48 * 48; i++) {
        assertEquals((200 - 127.5f) / 128, got[3 * i], 1e-4f);
        assertEquals((100 - 127.5f) / 128, got[3 * i + 1], 1e-4f);
        assertEquals((10 - 127.5f) / 128, got[3 * i + 2], 1e-4f);
      }
    }
  }
}
