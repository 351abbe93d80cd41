package io.emotionstream.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsAndScheduleTest {

  @Test
  void confusionMatrixMetrics() {
    ConfusionMatrix cm = new ConfusionMatrix(List.of("a", "b"));
    // a: 3 right, 1 as b; b: 1 right, 1 as a
    cm.add(0, 0);
    cm.add(0, 0);
    cm.add(0, 0);
    cm.add(0, 1);
    cm.add(1, 1);
    cm.add(1, 0);
    assertEquals(6, cm.count());
    assertEquals(4.0 / 6, cm.accuracy(), 1e-12);
    assertEquals(0.75, cm.precision(0), 1e-12);
    assertEquals(0.75, cm.recall(0), 1e-12);
    assertEquals(0.5, cm.precision(1), 1e-12);
    assertEquals(0.5, cm.recall(1), 1e-12);
    assertEquals((0.75 + 0.5) / 2, cm.macroF1(), 1e-12);
    Map<String, Object> json = cm.toJsonMap();
    assertEquals(List.of("accuracy", "macro_f1", "per_class", "labels", "confusion", "count"),
        List.copyOf(json.keySet()));
  }

  @Test
  void warmUpThenCosineToMinimum() {
    LearningRateSchedule s = new LearningRateSchedule(LearningRateSchedule.Kind.COSINE, 0.1f, 0.001f, 10, 110, 1,
        0.1f, 0);
    assertEquals(0.01f, s.getNewValue(0), 1e-6);
    assertEquals(0.1f, s.getNewValue(9), 1e-6);
    assertEquals(0.1f, s.getNewValue(10), 1e-6);
    assertEquals((0.1f + 0.001f) / 2, s.getNewValue(60), 1e-6);
    assertEquals(0.001f, s.getNewValue(110), 1e-6);
    assertEquals(0.001f, s.getNewValue(500), 1e-6);
  }

  @Test
  void stepAndPlateau() {
    LearningRateSchedule step = new LearningRateSchedule(LearningRateSchedule.Kind.STEP, 0.1f, 0, 0, 100, 30,
        0.1f, 0);
    assertEquals(0.1f, step.getNewValue(29), 1e-7);
    assertEquals(0.01f, step.getNewValue(30), 1e-7);
    assertEquals(0.001f, step.getNewValue(65), 1e-7);

    LearningRateSchedule plateau = new LearningRateSchedule(LearningRateSchedule.Kind.PLATEAU, 0.1f, 0, 0, 100, 1,
        0.5f, 1);
    plateau.onValidation(0.5);
    plateau.onValidation(0.5);
    assertEquals(0.1f, plateau.getNewValue(5), 1e-7, "one flat epoch is within patience");
    plateau.onValidation(0.4);
    assertEquals(0.05f, plateau.getNewValue(5), 1e-7);
    LearningRateSchedule restored = new LearningRateSchedule(LearningRateSchedule.Kind.PLATEAU, 0.1f, 0, 0, 100, 1,
        0.5f, 1);
    restored.restore(plateau.state());
    assertEquals(0.05f, restored.getNewValue(5), 1e-7);
  }

  @Test
  void encoderPassesFacesThroughAtTheirOwnSizeAndFlips() {
    byte[] p = new byte[48 * 48];
    for (int i = 0; i < p.length; i++) {
      p[i] = (byte) (i % 48 * 5);
    }
    GreyImage image = new GreyImage(48, 48, p);
    InputEncoder encoder = new InputEncoder(48, new Normalisation(0, 1));
    float[] out = new float[48 * 48];
    encoder.encode(image, Augmentation.Draw.IDENTITY, out, 0);
    for (int i = 0; i < p.length; i++) {
      assertEquals(p[i] & 0xff, out[i], 1e-3, "pixel " + i);
    }
    encoder.encode(image, new Augmentation.Draw(0, 0, true, 0, 1, 0, 1, null), out, 0);
    assertEquals(47 * 5, out[0], 1e-3);
    assertEquals(0, out[47], 1e-3);

    InputEncoder rgb = new InputEncoder(64, new double[] {0, 10, 20}, new double[] {1, 1, 2});
    float[] three = new float[rgb.sampleLength()];
    rgb.encode(image, Augmentation.Draw.IDENTITY, three, 0);
    assertEquals(3 * 64 * 64, three.length);
    assertEquals(three[0] - 10, three[64 * 64], 1e-4);
    assertEquals((three[0] - 20) / 2, three[2 * 64 * 64], 1e-4);
  }

  @Test
  void augmentationIsAFunctionOfTheSeed() {
    Augmentation.Draw a = Augmentation.DEFAULT.draw(new java.util.SplittableRandom(Seeds.mix(1, Seeds.AUGMENT, 3, 17)));
    Augmentation.Draw b = Augmentation.DEFAULT.draw(new java.util.SplittableRandom(Seeds.mix(1, Seeds.AUGMENT, 3, 17)));
    Augmentation.Draw c = Augmentation.DEFAULT.draw(new java.util.SplittableRandom(Seeds.mix(1, Seeds.AUGMENT, 4, 17)));
    assertEquals(a, b);
    assertTrue(!a.equals(c));
    assertTrue(Math.abs(a.rotation()) <= Math.toRadians(10) && Math.abs(a.shiftX()) <= 0.1);
  }

  @Test
  void evaluationMapsClassesByNameAndRejectsUnknownOnes() {
    List<String> model = List.of("neutral", "happy", "sad", "angry", "fearful", "disgusted", "surprised");
    assertArrayEquals(new int[] {3, 4, 1, 6}, ModelEvaluation.outputsFor(List.of("angry", "fear", "happy", "surprise"),
        model, Path.of("m")));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ModelEvaluation.outputsFor(List.of("happy", "contempt"), model, Path.of("m")));
    assertTrue(e.getMessage().contains("[contempt] unknown to the model"), e.getMessage());
  }

  @Test
  void scoringASubsetOfOutputsPicksTheBestOfThem() {
    LabelledFaces faces = new LabelledFaces(List.of("x", "y"));
    GreyImage img = new GreyImage(1, 1, new byte[1]);
    faces.add(img, 0);
    faces.add(img, 1);
    // output 0 is the largest but belongs to no evaluated class
    float[][] logits = {{9, 2, 1}, {9, 1, 3}};
    Predictions.Score s = Predictions.score(logits, faces, new int[] {1, 2});
    assertEquals(1.0, s.confusion().accuracy(), 1e-12);
  }
}
