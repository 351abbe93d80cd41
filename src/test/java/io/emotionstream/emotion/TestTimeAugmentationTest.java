package io.emotionstream.emotion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.inference.InferenceConfig;
import io.emotionstream.model.ModelArtifact;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

/** The views of test-time augmentation and the classifier that averages them. */
class TestTimeAugmentationTest {

  @Test
  void theViewsAreThePublishedProtocols() {
    assertEquals(1, TestTimeAugmentation.NONE.passes());
    assertEquals(2, TestTimeAugmentation.FLIP.passes());
    List<TestTimeAugmentation.View> ten = TestTimeAugmentation.TEN_CROP.views();
    assertEquals(10, ten.size());
    assertEquals(5, ten.stream().filter(TestTimeAugmentation.View::flip).count());
    assertEquals(10, ten.stream().distinct().count());
    for (TestTimeAugmentation.View v : ten) {
      assertEquals(48.0 / 44.0, v.zoom(), 1e-9);
      assertTrue(Math.abs(v.shiftX()) <= 2.0 / 48 + 1e-9 && Math.abs(v.shiftY()) <= 2.0 / 48 + 1e-9, v.toString());
    }
    assertEquals(TestTimeAugmentation.TEN_CROP, TestTimeAugmentation.parse("ten-crop"));
    assertEquals(TestTimeAugmentation.TEN_CROP, TestTimeAugmentation.parse("TEN_CROP"));
    assertThrows(IllegalArgumentException.class, () -> TestTimeAugmentation.parse("five-crop"));
  }

  @Test
  void renderingMirrorsAndCropsTheInputPlane() {
    int size = 48;
    float[] ramp = new float[size * size];
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        ramp[y * size + x] = x;
      }
    }
    assertArrayEquals(ramp, TestTimeAugmentation.render(ramp, 1, size, new TestTimeAugmentation.View(1, 0, 0, false)),
        1e-5f, "identity");
    float[] mirrored = TestTimeAugmentation.render(ramp, 1, size, new TestTimeAugmentation.View(1, 0, 0, true));
    assertEquals(47f, mirrored[0], 1e-5f);
    assertEquals(0f, mirrored[47], 1e-5f);
    // the top-left crop of 44 px: its first column is about column 0, its last about column 43 of the face
    float[] corner = TestTimeAugmentation.render(ramp, 1, size, TestTimeAugmentation.TEN_CROP.views().get(2));
    assertTrue(corner[0] < 0.5f && Math.abs(corner[47] - 43.5f) < 0.6f, corner[0] + " " + corner[47]);
  }

  /** The classifier's flip result is the mean of the face's and the mirror image's probabilities. */
  @Test
  void theClassifierAveragesTheViewsOfEachFace() {
    ModelArtifact artifact = SampleFaces.bundledArtifactOrSkip();
    List<Mat> crops = SampleFaces.crops(SampleFaces.FACES, 112);
    try (BatchingEmotionClassifier plain = EmotionClassifiers.open(artifact, InferenceConfig.defaults());
        BatchingEmotionClassifier flip = EmotionClassifiers.open(artifact, InferenceConfig.defaults(),
            TestTimeAugmentation.FLIP)) {
      List<Mat> mirrored = new ArrayList<>();
      for (Mat c : crops) {
        Mat m = new Mat();
        org.bytedeco.opencv.global.opencv_core.flip(c, m, 1);
        mirrored.add(m);
      }
      List<EmotionPrediction> a = plain.classify(crops);
      List<EmotionPrediction> b = plain.classify(mirrored);
      List<EmotionPrediction> both = flip.classify(crops);
      assertEquals(crops.size(), both.size());
      boolean differs = false;
      for (int i = 0; i < crops.size(); i++) {
        float[] pa = a.get(i).probabilities();
        float[] pb = b.get(i).probabilities();
        float[] p = both.get(i).probabilities();
        float sum = 0;
        for (int c = 0; c < p.length; c++) {
          assertEquals((pa[c] + pb[c]) / 2, p[c], 2e-3, "face " + i + " class " + c);
          sum += p[c];
          differs |= Math.abs(pa[c] - pb[c]) > 1e-3;
        }
        assertEquals(1f, sum, 1e-4f);
      }
      assertTrue(differs, "a mirror image gives other probabilities, so the test can fail");
      mirrored.forEach(Mat::close);
    } finally {
      crops.forEach(Mat::close);
    }
  }
}
