package io.emotionstream.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The FER+ majority rule, the file checks, and the real FER+ and FER2013 files where present. */
class FerPlusLabelsTest {

  static final Path FER2013 = Path.of("../shared/data/fer2013/fer2013.csv.gz");
  static final Path FERPLUS = Path.of("../shared/data/fer2013/fer2013new.csv");

  @TempDir Path tmp;

  @Test
  void theMajorityIsTheOneTopColumnAndMustBeAnEmotion() {
    // columns: neutral, happiness, surprise, sadness, anger, disgust, fear, contempt, unknown, NF
    assertEquals(6, FerPlusLabels.majority(new int[] {4, 0, 0, 1, 3, 2, 0, 0, 0, 0}), "neutral");
    assertEquals(3, FerPlusLabels.majority(new int[] {0, 10, 0, 0, 0, 0, 0, 0, 0, 0}), "happiness -> happy");
    assertEquals(5, FerPlusLabels.majority(new int[] {0, 0, 6, 0, 0, 0, 4, 0, 0, 0}), "surprise");
    assertEquals(0, FerPlusLabels.majority(new int[] {2, 0, 0, 0, 8, 0, 0, 0, 0, 0}), "anger -> angry");
    assertEquals(1, FerPlusLabels.majority(new int[] {0, 0, 0, 0, 3, 4, 0, 0, 3, 0}), "disgust");
    assertEquals(2, FerPlusLabels.majority(new int[] {0, 0, 3, 0, 0, 0, 5, 0, 2, 0}), "fear");
    assertEquals(FerPlusLabels.NONE, FerPlusLabels.majority(new int[] {4, 0, 0, 4, 1, 0, 0, 0, 1, 0}), "tie");
    assertEquals(FerPlusLabels.NONE, FerPlusLabels.majority(new int[] {3, 0, 0, 0, 0, 0, 0, 3, 4, 0}), "unknown");
    assertEquals(FerPlusLabels.NONE, FerPlusLabels.majority(new int[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 10}), "not a face");
    assertEquals(FerPlusLabels.NONE, FerPlusLabels.majority(new int[] {4, 0, 0, 0, 0, 0, 0, 4, 2, 0}), "tie with contempt");
    assertEquals(FerPlusLabels.NONE, FerPlusLabels.majority(new int[10]), "no votes");
  }

  @Test
  void aFileWithoutTheVoteColumnsOrWithABadCountIsRefusedWithItsLine() throws Exception {
    Path noVotes = Files.writeString(tmp.resolve("a.csv"), "Usage,Image name,happy\nTraining,x.png,3\n");
    DatasetException header = assertThrows(DatasetException.class, () -> FerPlusLabels.read(noVotes));
    assertTrue(header.getMessage().startsWith(noVotes + ":1:"), header.getMessage());
    Path bad = Files.writeString(tmp.resolve("b.csv"),
        "Usage,Image name,neutral,happiness,surprise,sadness,anger,disgust,fear,contempt,unknown,NF\n"
            + "Training,a.png,10,0,0,0,0,0,0,0,0,0\nTraining,b.png,x,0,0,0,0,0,0,0,0,0\n");
    DatasetException row = assertThrows(DatasetException.class, () -> FerPlusLabels.read(bad));
    assertTrue(row.getMessage().startsWith(bad + ":3:") && row.getMessage().contains("neutral"), row.getMessage());
  }

  /**
   * A FER2013 copy with rows removed is lined up with the FER+ rows by label agreement: the
   * removed rows are found and every other row gets its own FER+ label.
   */
  @Test
  void aCopyWithRowsRemovedIsAlignedByTheLabels() throws Exception {
    // FER+ votes of 8 rows (columns: neutral, happiness, surprise, sadness, anger, disgust, fear, ...)
    String[] votes = {"0,9,0,0,0,0,0,0,1,0", "0,0,0,8,0,0,0,0,2,0", "7,0,0,0,3,0,0,0,0,0", "0,0,9,0,0,0,1,0,0,0",
        "0,0,0,0,0,0,0,0,0,10", "0,0,0,0,8,2,0,0,0,0", "0,8,2,0,0,0,0,0,0,0", "0,0,0,9,0,0,1,0,0,0"};
    StringBuilder plus = new StringBuilder(
        "Usage,Image name,neutral,happiness,surprise,sadness,anger,disgust,fear,contempt,unknown,NF\n");
    for (int i = 0; i < votes.length; i++) {
      plus.append("PublicTest,f").append(i).append(".png,").append(votes[i]).append('\n');
    }
    FerPlusLabels labels = FerPlusLabels.read(Files.writeString(tmp.resolve("new.csv"), plus));
    // the FER2013 copy lacks rows 2 and 4; its own labels (FER2013 classes) mostly agree with FER+
    int[] kept = {0, 1, 3, 5, 6, 7};
    int[] fer2013 = {3, 4, 5, 0, 3, 2};
    FerPlusLabels.Alignment a = labels.align(java.util.Collections.nCopies(kept.length, "PublicTest"), fer2013,
        tmp.resolve("fer2013.csv"));
    assertEquals(2, a.skipped());
    assertTrue(!a.byPosition());
    // FER+ majorities of rows 0,1,3,5,6,7 as FER2013 classes: happy 3, sad 4, surprise 5, angry 0, happy 3, sad 4
    assertEquals(List.of(3, 4, 5, 0, 3, 4), java.util.Arrays.stream(a.labels()).boxed().toList());
    DatasetException tooFew = assertThrows(DatasetException.class, () -> labels.align(
        java.util.Collections.nCopies(9, "PublicTest"), new int[9], tmp.resolve("fer2013.csv")));
    assertTrue(tooFew.getMessage().contains("fer2013.csv") && tooFew.getMessage().contains("new.csv"),
        tooFew.getMessage());
  }

  /**
   * The real files: FER+ gives a majority label to most rows; the shared FER2013 file lacks some of
   * the original rows, so its rows are lined up with the FER+ rows by label agreement.
   */
  @Test
  void realFilesAreAligned() {
    Assumptions.assumeTrue(Files.isRegularFile(FERPLUS) && Files.isRegularFile(FER2013),
        "FER2013 / FER+ files not found under ../shared/data/fer2013");
    FerPlusLabels votes = FerPlusLabels.read(FERPLUS);
    long rows = votes.count("Training", false) + votes.count("PublicTest", false) + votes.count("PrivateTest", false);
    long labelled = votes.count("Training", true) + votes.count("PublicTest", true) + votes.count("PrivateTest", true);
    System.out.printf("FER+: %d rows, %d with a majority label (%.1f%%); PublicTest %d of %d%n", rows, labelled,
        100.0 * labelled / rows, votes.count("PublicTest", true), votes.count("PublicTest", false));
    assertTrue(labelled > 0.8 * rows && labelled < rows, labelled + " of " + rows);
    Map<String, LabelledFaces> faces = FaceDatasets.read(FER2013, null, List.of("PublicTest"), votes);
    FerPlusLabels.Alignment a = FerCsvReader.lastAlignment();
    System.out.println(a.describe() + "; PublicTest faces with a FER+ label: " + faces.get("PublicTest").size());
    // FER+ annotators agree with the original label on most faces (a wrong alignment: about 1 in 5)
    assertTrue(a.meanVoteShare() > 0.5, a.describe());
    assertTrue(faces.get("PublicTest").size() > 0.9 * votes.count("PublicTest", true));
  }
}
