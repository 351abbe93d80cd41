package io.emotionstream.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reads the real FER2013 file from {@code ../shared} beside the checkout; skipped where it is absent. */
class Fer2013DataTest {

  static final Path FER = Path.of("..", "shared", "data", "fer2013", "fer2013.csv.gz");

  @Test
  void publicTestSplitHasTheDocumentedShape() {
    assumeTrue(Files.isRegularFile(FER), "FER2013 not found at " + FER.toAbsolutePath()
        + " (shared data beside the checkout); skipping the real-data check");
    LabelledFaces test = FaceDatasets.read(FER, null, List.of("PublicTest")).get("PublicTest");
    assertEquals(3575, test.size());
    assertEquals(EmotionLabels.FER2013, test.classes());
    assertEquals(48, test.image(0).width());
    assertEquals(48, test.image(0).height());
    LabelledFaces four = FaceDatasets.read(FER, "angry,happy,sad,neutral", List.of("PublicTest")).get("PublicTest");
    int[] all = test.classCounts();
    assertArrayEquals(new int[] {all[0], all[3], all[4], all[6]}, four.classCounts());
  }
}
