package io.emotionstream.detect;

import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.junit.jupiter.api.Test;

/** The summed-area crop sampler against OpenCV's area resize, and its zero padding. */
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

  @Test
  void matchesOpenCvAreaResizeInsideTheImage() {
    try (Mat image = noise(120, 90)) {
      // the crop covers [trunc(x1) - 1, trunc(x2)) = [10, 77) x [5, 72): 67 x 67 pixels
      Candidate box = new Candidate(11.7f, 6.2f, 77.9f, 72.4f, 1);
      float[] got = new CropSampler(image).batch(List.of(box), 24);
      try (Rect r = new Rect(10, 5, 67, 67); Mat roi = new Mat(image, r); Mat expected = new Mat();
          Size size = new Size(24, 24)) {
        resize(roi, expected, size, 0, 0, INTER_AREA);
        try (UByteIndexer ix = expected.createIndexer()) {
          for (int y = 0; y < 24; y++) {
            for (int x = 0; x < 24; x++) {
              for (int c = 0; c < 3; c++) {
                float want = (ix.get(y, x, 2 - c) - 127.5f) / 128;  // BGR -> RGB
                assertEquals(want, got[(y * 24 + x) * 3 + c], 0.6f / 128, "pixel " + x + "," + y);
              }
            }
          }
        }
      }
    }
  }

  @Test
  void outsideTheImageIsBlack() {
    try (Mat image = new Mat(50, 50, opencv_core.CV_8UC3, Scalar.all(255))) {
      // [-49, 1) wide: 49 of the 50 columns outside, on the left
      Candidate box = new Candidate(-48, 0, 1, 49, 1);
      float[] got = new CropSampler(image).batch(List.of(box), 24);
      assertEquals(-127.5f / 128, got[0], 1e-5f, "outside: black");
      assertEquals(-127.5f / 128, got[(5 * 24 + 10) * 3 + 1], 1e-5f, "outside: black");
      float edge = got[(5 * 24 + 23) * 3];
      assertEquals(true, edge > -127.5f / 128, "the last column covers the image's first pixel column");
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
