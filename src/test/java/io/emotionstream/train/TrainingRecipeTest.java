package io.emotionstream.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.Trainer;
import ai.djl.training.tracker.Tracker;
import io.emotionstream.emotion.ResNet18;
import io.emotionstream.emotion.TestTimeAugmentation;
import io.emotionstream.model.ModelArtifact;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ingredients of the training recipe: the stems, random erasing, FER+ soft targets (training
 * rows only), the logit-adjusted loss and distillation from trained teachers.
 */
class TrainingRecipeTest {

  private static final PrintStream QUIET = new PrintStream(java.io.OutputStream.nullOutputStream());
  private static final String FERPLUS_HEADER =
      "Usage,Image name,neutral,happiness,surprise,sadness,anger,disgust,fear,contempt,unknown,NF\n";

  static {
    OneThreadEngine.use();
  }

  @TempDir Path tmp;

  @Test
  void erasingIsDrawnLastAndBlanksOneRectangleToTheMeanGrey() {
    Augmentation without = new Augmentation(0.1, true, 10, 0.1, 0.2, 0.2, 0);
    Augmentation with = new Augmentation(0.1, true, 10, 0.1, 0.2, 0.2, 1);
    int erased = 0;
    for (int sample = 0; sample < 200; sample++) {
      Augmentation.Draw a = without.draw(new SplittableRandom(sample));
      Augmentation.Draw b = with.draw(new SplittableRandom(sample));
      assertNull(a.erased());
      assertEquals(a, b.withErased(null), "the other draws stay those of runs without erasing");
      Augmentation.Erased e = b.erased();
      assertNotNull(e, "erase 1 erases every sample");
      double area = e.width() * e.height();
      assertTrue(area >= Augmentation.ERASE_MIN_AREA * 0.99 && area <= Augmentation.ERASE_MAX_AREA * 1.01, e.toString());
      assertTrue(e.x() >= 0 && e.y() >= 0 && e.x() + e.width() <= 1 + 1e-9 && e.y() + e.height() <= 1 + 1e-9,
          e.toString());
      erased++;
    }
    assertEquals(200, erased);

    byte[] pixels = new byte[48 * 48];
    java.util.Arrays.fill(pixels, (byte) 200);
    GreyImage image = new GreyImage(48, 48, pixels);
    InputEncoder encoder = new InputEncoder(48, new Normalisation(100, 50));
    float[] out = new float[48 * 48];
    Augmentation.Draw draw = Augmentation.Draw.IDENTITY.withErased(new Augmentation.Erased(0.25, 0.5, 0.25, 0.125));
    encoder.encode(image, draw, out, 0);
    int zeros = 0;
    for (int y = 0; y < 48; y++) {
      for (int x = 0; x < 48; x++) {
        boolean inside = x >= 12 && x < 24 && y >= 24 && y < 30;
        assertEquals(inside ? 0f : 2f, out[y * 48 + x], 1e-5, "pixel " + x + "," + y);
        zeros += inside ? 1 : 0;
      }
    }
    assertEquals(72, zeros);
  }

  @Test
  void ferPlusVotesReachTrainingRowsOnlyAndMixIntoTheTarget() throws Exception {
    // 3 Training rows and 1 PublicTest row; FER+ rows in the same order
    Path csv = tmp.resolve("fer2013.csv");
    String face = String.join(" ", java.util.Collections.nCopies(48 * 48, "128"));
    Files.writeString(csv, "emotion,pixels,Usage\n" + "3," + face + ",Training\n" + "4," + face + ",Training\n"
        + "1," + face + ",Training\n" + "3," + face + ",PublicTest\n");
    // neutral, happiness, surprise, sadness, anger, disgust, fear, contempt, unknown, NF
    Path votes = Files.writeString(tmp.resolve("fer2013new.csv"), FERPLUS_HEADER
        + "Training,a.png,2,6,0,0,0,0,0,0,2,0\n"    // happy row: 6 happy, 2 neutral, 2 unknown
        + "Training,b.png,0,0,0,5,0,0,0,5,0,0\n"    // sad row: 5 sad, 5 contempt
        + "Training,c.png,0,0,0,0,0,0,0,0,0,10\n"   // disgust row: not a face for everyone
        + "PublicTest,d.png,0,10,0,0,0,0,0,0,0,0\n");
    FerPlusLabels plus = FerPlusLabels.read(votes);
    ClassSelection all = ClassSelection.of(EmotionLabels.FER2013, null);
    Map<String, LabelledFaces> splits = FerCsvReader.readWithVotes(csv, all,
        new java.util.LinkedHashSet<>(List.of("Training", "PublicTest")), plus, "Training");
    LabelledFaces train = splits.get("Training");
    assertEquals(List.of(3, 4, 1), List.of(train.label(0), train.label(1), train.label(2)), "FER2013 labels kept");
    // angry, disgust, fear, happy, sad, surprise, neutral; unknown and contempt left out, rescaled
    assertArrayEquals(new float[] {0, 0, 0, 0.75f, 0, 0, 0.25f}, train.distribution(0), 1e-6f);
    assertArrayEquals(new float[] {0, 0, 0, 0, 1, 0, 0}, train.distribution(1), 1e-6f);
    assertNull(train.distribution(2), "no vote for an emotion");
    assertEquals(2, train.distributionCount());
    assertNull(splits.get("PublicTest").distribution(0), "validation rows never get their votes");
    assertEquals(0, splits.get("PublicTest").distributionCount());

    // a stratified validation share of the training split loses its votes too
    Path eight = tmp.resolve("eight.csv");
    StringBuilder rows = new StringBuilder("emotion,pixels,Usage\n");
    StringBuilder eightVotes = new StringBuilder(FERPLUS_HEADER);
    for (int i = 0; i < 8; i++) {
      rows.append(i % 2 == 0 ? 3 : 4).append(',').append(face).append(",Training\n");
      eightVotes.append("Training,r").append(i).append(i % 2 == 0 ? ".png,0,9,0,0,0,0,0,0,1,0\n" : ".png,0,0,0,9,0,0,0,0,1,0\n");
    }
    Files.writeString(eight, rows);
    FaceDatasets.TrainValidation share = FaceDatasets.trainValidation(eight, "happy,sad", "Training", "PublicTest",
        0.5, 1, FerPlusLabels.read(Files.writeString(tmp.resolve("eight-votes.csv"), eightVotes)));
    assertEquals(4, share.train().distributionCount());
    assertEquals(4, share.validation().size());
    assertEquals(0, share.validation().distributionCount());

    // target = (1 - w) * smoothed label + w * votes
    TrainingBatch batch = TrainingBatch.prepare(train, new int[] {0, 1, 2}, 0, 3,
        new InputEncoder(48, new Normalisation(128, 64)), Augmentation.NONE, 1, 1, 0.1f, 0.5f);
    float off = 0.1f / 7;
    float on = 0.9f + off;
    float[] y = batch.targets();
    assertEquals(0.5f * on + 0.5f * 0.75f, y[3], 1e-6f, "happy of row 0");
    assertEquals(0.5f * off + 0.5f * 0.25f, y[6], 1e-6f, "neutral of row 0");
    assertEquals(on, y[2 * 7 + 1], 1e-6f, "row 2 has no votes: its smoothed label only");
    for (int i = 0; i < 3; i++) {
      float sum = 0;
      for (int c = 0; c < 7; c++) {
        sum += y[i * 7 + c];
      }
      assertEquals(1f, sum, 1e-5f, "row " + i + " sums to 1");
    }
  }

  @Test
  void theLogitAdjustedAndTheDistillationLossesAreTheFormulas() {
    int classes = 3;
    float[] logPrior = {(float) Math.log(0.6), (float) Math.log(0.3), (float) Math.log(0.1)};
    float[] targets = {1, 0, 0, 0, 0, 1};
    float[] teacher = {0.7f, 0.2f, 0.1f, 0.1f, 0.1f, 0.8f};
    try (Model model = Model.newInstance("loss", Device.cpu())) {
      MomentumSgd sgd = new MomentumSgd(Tracker.fixed(0f), 0f, 0f, 0);
      // a linear classifier: the same logits in training and inference mode (no batch norm)
      ai.djl.nn.SequentialBlock linear = new ai.djl.nn.SequentialBlock()
          .add(ai.djl.nn.Blocks.batchFlattenBlock())
          .add(ai.djl.nn.core.Linear.builder().setUnits(classes).build());
      try (Trainer trainer = TrainingStep.newTrainer(model, linear, sgd)) {
        trainer.initialize(new Shape(2, 1, 32, 32));
        float[] x = new float[2 * 32 * 32];
        new java.util.Random(5).ints(x.length, -100, 100).forEach(new java.util.function.IntConsumer() {
          int i;

          @Override
          public void accept(int v) {
            x[i++] = v / 50f;
          }
        });
        Shape shape = new Shape(2, 1, 32, 32);
        float[] logits = logits(trainer, x, shape);
        // a learning rate of 0 leaves the weights as they are, so every call sees the same logits
        float plain = new TrainingStep(trainer, sgd).run(x, shape, targets, classes).loss();
        float adjusted = new TrainingStep(trainer, sgd, logPrior, 0, 1).run(x, shape, targets, classes).loss();
        float distilled = new TrainingStep(trainer, sgd, null, 0.4f, 2f).run(x, shape, targets, classes, teacher).loss();
        assertEquals(crossEntropy(logits, targets, null, 1, classes), plain, 1e-4);
        assertEquals(crossEntropy(logits, targets, logPrior, 1, classes), adjusted, 1e-4);
        double expected = 0.6 * crossEntropy(logits, targets, null, 1, classes)
            + 0.4 * 4 * crossEntropy(logits, teacher, null, 2, classes);
        assertEquals(expected, distilled, 1e-4);
        assertNotEquals(plain, adjusted, 1e-3f);
      }
    }
  }

  /** Trains a teacher, then a student with each stem and every ingredient on, and evaluates with TTA. */
  @Test
  void everyStemTrainsWithEveryIngredientAndServesAsItsOwnArchitecture() throws Exception {
    Path csv = SyntheticFaces.writeCsv(tmp.resolve("fer.csv"), 6, 3, 21);
    TrainingOptions teacherOptions = TrainingEndToEndTest.tiny(csv, tmp.resolve("teacher"));
    teacherOptions.epochs = 1;
    teacherOptions.framingSample = 0;
    teacherOptions.inputSize = 32;
    Path teacher = new TrainingRun(teacherOptions, QUIET).run().artifact();
    for (ResNet18.Stem stem : ResNet18.Stem.values()) {
      TrainingOptions o = TrainingEndToEndTest.tiny(csv, tmp.resolve("student-" + stem.optionName()));
      o.epochs = 1;
      o.framingSample = 0;
      o.inputSize = 32;
      o.stem = stem;
      o.augErase = 0.5;
      o.classBalance = 1;
      o.teachers = List.of(teacher.getParent());
      TrainingRun.Result result = new TrainingRun(o, QUIET).run();
      ModelArtifact artifact = ModelArtifact.open(result.artifact());
      assertEquals(stem.architecture(), artifact.metadata().architecture());
      try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
        ResNet18 block = (ResNet18) artifact.newBlock(manager);
        assertEquals(stem, block.stem());
      }
      assertTrue(o.fingerprint().keySet().containsAll(
          stem == ResNet18.Stem.IMAGENET ? Set.of("class_balance", "teachers") : Set.of("stem", "teachers")),
          o.fingerprint().toString());
      ModelEvaluation.Result tenCrop = ModelEvaluation.evaluate(result.artifact(), csv, "PublicTest", null, 16,
          TestTimeAugmentation.TEN_CROP);
      assertEquals(9, tenCrop.score().confusion().count());
    }
    // a parent of another stem cannot be continued
    TrainingOptions wrong = TrainingEndToEndTest.tiny(csv, tmp.resolve("wrong"));
    wrong.initModel = teacher;
    wrong.stem = ResNet18.Stem.S1;
    wrong.framingSample = 0;
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TrainingRun(wrong, QUIET).run());
    assertTrue(e.getMessage().contains("resnet18-s1"), e.getMessage());
  }

  private static float[] logits(Trainer trainer, float[] x, Shape shape) {
    try (NDManager m = trainer.getManager().newSubManager()) {
      return trainer.evaluate(new ai.djl.ndarray.NDList(m.create(x, shape))).singletonOrThrow().toFloatArray();
    }
  }

  /** Mean over rows of -sum(target * log softmax((logits + adjustment) / t)). */
  private static double crossEntropy(float[] logits, float[] targets, float[] adjustment, double t, int classes) {
    int rows = logits.length / classes;
    double total = 0;
    for (int i = 0; i < rows; i++) {
      double[] z = new double[classes];
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < classes; c++) {
        z[c] = (logits[i * classes + c] + (adjustment == null ? 0 : adjustment[c])) / t;
        max = Math.max(max, z[c]);
      }
      double sum = 0;
      for (double v : z) {
        sum += Math.exp(v - max);
      }
      for (int c = 0; c < classes; c++) {
        total -= targets[i * classes + c] * (z[c] - max - Math.log(sum));
      }
    }
    return total / rows;
  }
}
