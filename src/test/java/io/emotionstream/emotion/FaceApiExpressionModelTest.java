package io.emotionstream.emotion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.frame.CropSpec;
import io.emotionstream.inference.InferenceConfig;
import io.emotionstream.model.ModelArtifact;
import io.emotionstream.model.ModelMetadata;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

/** The converted bootstrap model on real faces from the face-api package's demo photos. */
class FaceApiExpressionModelTest {

  /** Faces that are clearly smiling (checked by eye). */
  static final List<SampleFaces.Face> CLEAR_SMILES = List.of(
      new SampleFaces.Face("sample1.jpg", 1478.0, 212.5, 1682.0, 443.2),
      new SampleFaces.Face("sample3.jpg", 1057.1, 198.0, 1285.5, 505.0),
      new SampleFaces.Face("sample3.jpg", 1495.6, 291.8, 1690.5, 572.6),
      new SampleFaces.Face("sample4.jpg", 1268.3, 167.2, 1427.1, 375.2),
      new SampleFaces.Face("sample6.jpg", 1484.9, 256.9, 1693.4, 553.8),
      new SampleFaces.Face("sample6.jpg", 663.2, 331.6, 859.9, 628.1));

  @Test
  void defaultArtifactDescribesFaceApiModel() {
    ModelArtifact artifact = SampleFaces.faceApiArtifactOrSkip();
    ModelMetadata m = artifact.metadata();
    assertEquals(FaceApiExpressionModel.LABELS, m.labels());
    assertEquals("faceapi-expression", m.architecture());
    assertEquals(112, m.inputWidth());
    assertEquals(new CropSpec(112, 112, CropSpec.Framing.SQUARE, 0.1), m.crop());
    assertEquals(ModelArtifact.sha256(artifact.weightsFile()), m.weightsSha256());
  }

  @Test
  void clearSmilesAreHappy() {
    List<Mat> crops = SampleFaces.crops(CLEAR_SMILES, 112);
    try (EmotionClassifier classifier = EmotionClassifiers.open(EmotionClassifiers.faceApiArtifact(), InferenceConfig.defaults())) {
      assertEquals(new CropSpec(112, 112, CropSpec.Framing.SQUARE, 0.1), classifier.cropSpec());
      List<EmotionPrediction> predictions = classifier.classify(crops);
      assertEquals(CLEAR_SMILES.size(), predictions.size());
      for (int i = 0; i < predictions.size(); i++) {
        EmotionPrediction p = predictions.get(i);
        assertEquals("happy", p.label(), CLEAR_SMILES.get(i).id() + ": " + java.util.Arrays.toString(p.probabilities()));
        assertTrue(p.probabilities()[1] > 0.9f, CLEAR_SMILES.get(i).id());
        assertEquals("faceapi-expression", p.modelName());
        assertEquals("1.7.15", p.modelVersion());
        double sum = 0;
        for (float v : p.probabilities()) {
          sum += v;
        }
        assertEquals(1.0, sum, 1e-4);
      }
      // one at a time gives the same numbers as in a batch
      for (int i = 0; i < crops.size(); i++) {
        assertArrayEquals(predictions.get(i).probabilities(),
            classifier.classify(List.of(crops.get(i))).get(0).probabilities(), 1e-4f);
      }
    }
  }

  @Test
  void largerCropsAreResizedToTheInputSize() {
    List<Mat> crops = new ArrayList<>(SampleFaces.crops(CLEAR_SMILES.subList(0, 2), 224));
    try (EmotionClassifier classifier = EmotionClassifiers.open(EmotionClassifiers.faceApiArtifact(), InferenceConfig.defaults())) {
      for (EmotionPrediction p : classifier.classify(crops)) {
        assertEquals("happy", p.label());
      }
    }
  }
}
