package io.emotionstream.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.detect.DetectedFace;
import io.emotionstream.detect.MtcnnDetector;
import io.emotionstream.frame.CropSpec;
import io.emotionstream.frame.FaceCropper;
import io.emotionstream.frame.ImageDecoding;
import io.emotionstream.testing.SamplePhotos;
import java.util.List;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

class TrainingFaceFramingTest {

  /**
   * A framing of a real face's shape (the cropper's built-in template, whose proportions are an
   * average face's) but placed unlike FER2013: loose, with a 30% margin.
   */
  private static final double[] KNOWN = fractions(
      FaceCropper.alignedTemplate(new CropSpec(48, 48, CropSpec.Framing.ALIGNED, 0.3)), 48);

  private static double[] fractions(double[] pixels, int side) {
    double[] out = new double[pixels.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = pixels[i] / side;
    }
    return out;
  }

  @Test
  void recoversTheFramingFacesWereCutWith() {
    CropSpec spec = CropSpec.alignedTo(48, 48, KNOWN);
    LabelledFaces faces = new LabelledFaces(List.of("face"));
    FaceCropper cropper = new FaceCropper();
    try (MtcnnDetector detector = new MtcnnDetector()) {
      for (int n = 1; n <= 6; n++) {
        try (Mat photo = ImageDecoding.readBgr(SamplePhotos.path(n))) {
          for (DetectedFace face : detector.detect(photo)) {
            if (face.score() < 0.97) {
              continue;
            }
            try (Mat crop = cropper.crop(photo, face, spec); Mat grey = new Mat(); Mat mirrored = new Mat()) {
              opencv_imgproc.cvtColor(crop, grey, opencv_imgproc.COLOR_BGR2GRAY);
              opencv_core.flip(grey, mirrored, 1);
              faces.add(grey(grey), 0);
              faces.add(grey(mirrored), 0);
            }
          }
        }
      }
      assertTrue(faces.size() >= TrainingFaceFraming.MIN_FOUND, "sample faces: " + faces.size());
      TrainingFaceFraming.Measurement m = TrainingFaceFraming.measure(faces, 1000, 1, detector).orElseThrow();
      assertTrue(m.found() >= 0.8 * faces.size(), m.found() + " of " + faces.size() + " found");
      for (int k = 0; k < 10; k++) {
        // within 1.5 px of 48: the detector's landmark noise, averaged over the faces. The nose's
        // height gets 2.5 px: the least-squares fit over five points cannot put a nose exactly on a
        // template whose eye-nose-mouth proportions differ from the face's own
        double tolerance = k == 5 ? 2.5 : 1.5;
        assertEquals(KNOWN[k] * 48, m.landmarks()[k] * 48, tolerance, "coordinate " + k + ": " + m.describe(48));
      }
    }
  }

  @Test
  void tooFewFacesGiveNoTemplate() {
    LabelledFaces noise = new LabelledFaces(List.of("x"));
    java.util.Random random = new java.util.Random(3);
    for (int i = 0; i < 40; i++) {
      byte[] pixels = new byte[48 * 48];
      random.nextBytes(pixels);
      noise.add(new GreyImage(48, 48, pixels), 0);
    }
    try (MtcnnDetector detector = new MtcnnDetector()) {
      assertTrue(TrainingFaceFraming.measure(noise, 40, 1, detector).isEmpty());
    }
  }

  @Test
  void symmetricTemplateMirrorsLeftAndRight() {
    double[] skewed = {0.30, 0.40, 0.66, 0.38, 0.52, 0.60, 0.36, 0.80, 0.62, 0.78};
    double[] s = TrainingFaceFraming.symmetric(skewed);
    assertEquals(1.0, s[0] + s[2], 1e-12, "eyes mirror each other");
    assertEquals(s[1], s[3], 1e-12, "eyes level");
    assertEquals(0.5, s[4], 1e-12, "nose centred");
    assertEquals(1.0, s[6] + s[8], 1e-12, "mouth corners mirror each other");
    assertEquals(0.32, s[0], 1e-12);
    assertEquals(0.39, s[1], 1e-12);
  }

  private static GreyImage grey(Mat m) {
    byte[] pixels = new byte[m.cols() * m.rows()];
    m.data().get(pixels);
    return new GreyImage(m.cols(), m.rows(), pixels);
  }
}
