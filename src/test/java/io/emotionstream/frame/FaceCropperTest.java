package io.emotionstream.frame;

import static org.bytedeco.opencv.global.opencv_imgproc.FILLED;
import static org.bytedeco.opencv.global.opencv_imgproc.circle;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.emotionstream.detect.DetectedFace;
import io.emotionstream.detect.MtcnnDetector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

class FaceCropperTest {

  private static final Scalar RED = new Scalar(0, 0, 255, 0);
  private static final Scalar GREEN = new Scalar(0, 255, 0, 0);

  /** A grey frame with a red dot on the left eye and a green dot on the right eye of a tilted face. */
  private static DetectedFace tiltedFace(Mat frame, double degrees) {
    double a = Math.toRadians(degrees);
    double cx = 200, cy = 210;
    // an upright face: eyes 60 px apart at y=-30, nose at 0, mouth corners at y=+40
    double[] upright = {-30, -30, 30, -30, 0, 0, -24, 40, 24, 40};
    float[] lm = new float[10];
    for (int i = 0; i < 5; i++) {
      double x = upright[2 * i], y = upright[2 * i + 1];
      lm[2 * i] = (float) (cx + x * Math.cos(a) - y * Math.sin(a));
      lm[2 * i + 1] = (float) (cy + x * Math.sin(a) + y * Math.cos(a));
    }
    try (Point left = new Point(Math.round(lm[0]), Math.round(lm[1]));
        Point right = new Point(Math.round(lm[2]), Math.round(lm[3]))) {
      circle(frame, left, 4, RED, FILLED, 8, 0);
      circle(frame, right, 4, GREEN, FILLED, 8, 0);
    }
    return new DetectedFace(140, 140, 260, 290, 0.99f, lm);
  }

  /** Centroid x, y of pixels close to a pure colour (channel index 2 = red, 1 = green). */
  private static double[] centroid(Mat crop, int channel) {
    double sx = 0, sy = 0, n = 0;
    try (UByteIndexer ix = crop.createIndexer()) {
      for (int y = 0; y < crop.rows(); y++) {
        for (int x = 0; x < crop.cols(); x++) {
          int c = ix.get(y, x, channel);
          int other = ix.get(y, x, channel == 2 ? 1 : 2);
          if (c > 180 && other < 90) {
            sx += x;
            sy += y;
            n++;
          }
        }
      }
    }
    assertTrue(n > 0, "colour " + channel + " visible in the crop");
    return new double[] {sx / n, sy / n};
  }

  @Test
  void alignedCropPutsEyesLevelAtTemplatePositions() {
    CropSpec spec = new CropSpec(112, 112, CropSpec.Framing.ALIGNED, 0.0);
    try (Mat frame = new Mat(400, 400, opencv_core.CV_8UC3, Scalar.all(128))) {
      DetectedFace face = tiltedFace(frame, 25);
      try (Mat crop = new FaceCropper().crop(frame, face, spec)) {
        assertEquals(112, crop.cols());
        assertEquals(112, crop.rows());
        double[] left = centroid(crop, 2);
        double[] right = centroid(crop, 1);
        double[] template = FaceCropper.alignedTemplate(spec);
        assertEquals(left[1], right[1], 1.0, "eyes level");
        // the synthetic face's proportions differ a little from the template's: a few pixels
        assertEquals(template[0], left[0], 4.0, "left eye x");
        assertEquals(template[1], left[1], 4.0, "left eye y");
        assertEquals(template[2], right[0], 4.0, "right eye x");
        assertEquals(template[3], right[1], 4.0, "right eye y");
        assertTrue(left[0] < right[0], "left eye on the left");
      }
    }
  }

  @Test
  void alignedCropFollowsTheLandmarksOfItsSpec() {
    // the synthetic face's own proportions, placed in a 120x120 crop: the fit is then exact
    double[] upright = {-30, -30, 30, -30, 0, 0, -24, 40, 24, 40};
    double[] fractions = new double[10];
    for (int i = 0; i < 10; i += 2) {
      fractions[i] = (upright[i] + 60) / 120;
      fractions[i + 1] = (upright[i + 1] + 50) / 120;
    }
    CropSpec spec = CropSpec.alignedTo(120, 120, fractions);
    try (Mat frame = new Mat(400, 400, opencv_core.CV_8UC3, Scalar.all(128))) {
      DetectedFace face = tiltedFace(frame, -15);
      try (Mat crop = new FaceCropper().crop(frame, face, spec)) {
        double[] left = centroid(crop, 2);
        double[] right = centroid(crop, 1);
        assertEquals(30, left[0], 1.0, "left eye x");
        assertEquals(20, left[1], 1.0, "left eye y");
        assertEquals(90, right[0], 1.0, "right eye x");
        assertEquals(20, right[1], 1.0, "right eye y");
      }
    }
  }

  @Test
  void largeFacesAreAreaAveragedNotAliased() {
    // one-pixel black and white stripes under a face five times the crop's scale: sampling would
    // give a pattern of black and white, area averaging an even grey
    try (Mat frame = new Mat(1200, 1200, opencv_core.CV_8UC3, Scalar.all(0))) {
      try (UByteIndexer ix = frame.createIndexer()) {
        for (int y = 0; y < 1200; y++) {
          for (int x = 1; x < 1200; x += 2) {
            for (int c = 0; c < 3; c++) {
              ix.put(y, x, c, 255);
            }
          }
        }
      }
      double[] upright = {-150, -150, 150, -150, 0, 0, -120, 200, 120, 200};
      float[] lm = new float[10];
      for (int i = 0; i < 10; i += 2) {
        lm[i] = (float) (600 + upright[i]);
        lm[i + 1] = (float) (600 + upright[i + 1]);
      }
      DetectedFace big = new DetectedFace(400, 400, 800, 850, 0.99f, lm);
      try (Mat crop = new FaceCropper().crop(frame, big, new CropSpec(48, 48, CropSpec.Framing.ALIGNED, 0.0))) {
        assertEquals(48, crop.cols());
        double sum = 0, sumSq = 0;
        try (UByteIndexer ix = crop.createIndexer()) {
          for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 48; x++) {
              int v = ix.get(y, x, 0);
              sum += v;
              sumSq += (double) v * v;
            }
          }
        }
        double n = 48 * 48;
        double mean = sum / n;
        double std = Math.sqrt(sumSq / n - mean * mean);
        assertEquals(127.5, mean, 10, "mean grey");
        assertTrue(std < 20, "crop pixels spread " + std + " around " + mean + ": aliased stripes");
      }
    }
  }

  @Test
  void cropLandmarksAreChecked() {
    double[] ok = {0.3, 0.4, 0.7, 0.4, 0.5, 0.6, 0.35, 0.8, 0.65, 0.8};
    assertEquals(10, CropSpec.alignedTo(48, 48, ok).landmarks().size());
    assertThrows(IllegalArgumentException.class, () -> CropSpec.alignedTo(48, 48, new double[] {0.3, 0.4}));
    double[] swapped = ok.clone();
    swapped[0] = 0.7;
    swapped[2] = 0.3;
    assertThrows(IllegalArgumentException.class, () -> CropSpec.alignedTo(48, 48, swapped));
    CropSpec aligned = CropSpec.alignedTo(48, 48, ok);
    assertThrows(IllegalArgumentException.class,
        () -> new CropSpec(48, 48, CropSpec.Framing.SQUARE, 0.1, aligned.landmarks()));
  }

  @Test
  void marginShrinksTheFaceTowardsTheCentre() {
    double[] tight = FaceCropper.alignedTemplate(new CropSpec(112, 112, CropSpec.Framing.ALIGNED, 0.0));
    double[] loose = FaceCropper.alignedTemplate(new CropSpec(112, 112, CropSpec.Framing.ALIGNED, 0.5));
    double tightEyes = tight[2] - tight[0];
    double looseEyes = loose[2] - loose[0];
    assertEquals(tightEyes / 1.5, looseEyes, 1e-9);
    assertEquals(tight[1], tight[3], 1e-9, "template eyes level");
  }

  @Test
  void similarityTransformRecoversAKnownOne() {
    double[] from = {10, 20, 50, 22, 30, 40, 15, 60, 45, 61};
    double a = 1.3 * Math.cos(0.4), b = 1.3 * Math.sin(0.4);
    double[] to = new double[10];
    for (int i = 0; i < 5; i++) {
      to[2 * i] = a * from[2 * i] - b * from[2 * i + 1] + 7;
      to[2 * i + 1] = b * from[2 * i] + a * from[2 * i + 1] - 3;
    }
    double[] m = SimilarityTransform.fit(from, to);
    double[] expected = {a, -b, 7, b, a, -3};
    for (int i = 0; i < 6; i++) {
      assertEquals(expected[i], m[i], 1e-9);
    }
  }

  @Test
  void squareCropHasTheRequestedSizePastTheBorder() {
    try (Mat frame = new Mat(100, 100, opencv_core.CV_8UC3, Scalar.all(200))) {
      DetectedFace nearCorner = new DetectedFace(-20, -10, 40, 70, 0.9f, new float[10]);
      for (FaceCropper.Border border : FaceCropper.Border.values()) {
        try (Mat crop = new FaceCropper(border).crop(frame, nearCorner,
            new CropSpec(64, 48, CropSpec.Framing.SQUARE, 0.2))) {
          assertEquals(64, crop.cols());
          assertEquals(48, crop.rows());
          try (UByteIndexer ix = crop.createIndexer()) {
            int corner = ix.get(0, 0, 0);
            assertEquals(border == FaceCropper.Border.REPLICATE ? 200 : 0, corner, 1, "outside pixel, " + border);
          }
        }
      }
    }
  }

  /**
   * A face cut by the frame's left border (the shared photos' {@code edges/astronaut_f0_leftcut.jpg},
   * more than half the face outside), found by the real detector: the aligned crop the emotion
   * model gets continues the frame's edge pixels where a constant fill would leave black.
   */
  @Test
  void alignedCropOfAFaceAcrossTheBorderHasNoBlackFill() {
    Path image = Path.of("..", "shared", "data", "photos", "edges", "astronaut_f0_leftcut.jpg");
    assumeTrue(Files.isRegularFile(image),
        "skipped: " + image.toAbsolutePath().normalize() + " is absent (shared data not mounted)");
    CropSpec spec = new CropSpec(48, 48, CropSpec.Framing.ALIGNED, 0.0);
    try (Mat frame = ImageDecoding.readBgr(image); MtcnnDetector detector = new MtcnnDetector()) {
      List<DetectedFace> faces = detector.detect(frame);
      assertEquals(1, faces.size(), "one face in " + image + ": " + faces);
      DetectedFace face = faces.get(0);
      assertTrue(face.x1() < 0 && face.landmarkX(0) < 0, "the face and its left eye lie past the border: " + face);
      int[] edge = edgeRange(frame);
      try (Mat constant = new FaceCropper(FaceCropper.Border.CONSTANT).crop(frame, face, spec);
          Mat crop = new FaceCropper().crop(frame, face, spec);
          UByteIndexer outside = constant.createIndexer(); UByteIndexer ix = crop.createIndexer()) {
        int filled = 0;
        int black = 0;
        for (int y = 0; y < 48; y++) {
          for (int x = 0; x < 48; x++) {
            boolean past = outside.get(y, x, 0) == 0 && outside.get(y, x, 1) == 0 && outside.get(y, x, 2) == 0;
            for (int c = 0; c < 3; c++) {
              int v = ix.get(y, x, c);
              if (past) {
                assertTrue(v >= edge[2 * c] && v <= edge[2 * c + 1],
                    "pixel " + x + "," + y + " past the border is " + v + ", not one of the edge's values");
              }
            }
            filled += past ? 1 : 0;
            black += ix.get(y, x, 0) + ix.get(y, x, 1) + ix.get(y, x, 2) == 0 ? 1 : 0;
          }
        }
        assertTrue(filled > 48 * 48 / 10, "a constant fill would blacken " + filled + " of 2304 pixels");
        assertEquals(0, black, "black pixels in the crop");
      }
    }
  }

  /** Smallest and largest value of each channel on the frame's outermost rows and columns. */
  private static int[] edgeRange(Mat frame) {
    int[] range = {255, 0, 255, 0, 255, 0};
    try (UByteIndexer ix = frame.createIndexer()) {
      for (int y = 0; y < frame.rows(); y++) {
        for (int x = 0; x < frame.cols(); x++) {
          if (y != 0 && x != 0 && y != frame.rows() - 1 && x != frame.cols() - 1) {
            continue;
          }
          for (int c = 0; c < 3; c++) {
            range[2 * c] = Math.min(range[2 * c], ix.get(y, x, c));
            range[2 * c + 1] = Math.max(range[2 * c + 1], ix.get(y, x, c));
          }
        }
      }
    }
    return range;
  }

  @Test
  void emptyImageIsRejected() {
    try (Mat empty = new Mat()) {
      assertThrows(IllegalArgumentException.class, () -> new FaceCropper().crop(empty,
          new DetectedFace(0, 0, 1, 1, 1, new float[10]), new CropSpec(8, 8, CropSpec.Framing.SQUARE, 0)));
    }
  }
}
