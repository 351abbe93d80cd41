package io.emotionstream.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FerCsvReaderTest {

  @TempDir Path tmp;

  @Test
  void readsGzipSplitsAndClassSubsetInRequestedOrder() throws IOException {
    Path csv = SyntheticFaces.writeCsv(tmp.resolve("fer.csv.gz"), 5, 2, 1);
    Map<String, LabelledFaces> splits = FaceDatasets.read(csv, "neutral,angry", List.of("Training", "PublicTest"));
    LabelledFaces train = splits.get("Training");
    assertEquals(List.of("neutral", "angry"), train.classes());
    assertEquals(10, train.size(), "happy rows are dropped");
    assertArrayEquals(new int[] {5, 5}, train.classCounts());
    assertEquals(4, splits.get("PublicTest").size());
    assertEquals(48, train.image(0).width());
    // the CSV's first Training row is angry (FER 0), which is output 1 here
    assertEquals(1, train.label(0));
  }

  @Test
  void readsAllSevenClassesByDefault() throws IOException {
    Path csv = Files.writeString(tmp.resolve("seven.csv"), "emotion,pixels,Usage\n"
        + "5," + pixels(4, 7) + ",Training\n" + "1," + pixels(4, 9) + ",Training\n");
    LabelledFaces faces = FaceDatasets.read(csv, null, List.of("Training")).get("Training");
    assertEquals(EmotionLabels.FER2013, faces.classes());
    assertEquals(5, faces.label(0));
    assertEquals(1, faces.label(1));
    assertEquals(2, faces.image(0).width(), "4 values make a 2x2 image");
    assertEquals(7, faces.image(0).at(1, 1));
  }

  @Test
  void badRowsNameFileLineAndField() throws IOException {
    Path csv = Files.writeString(tmp.resolve("bad.csv"), "emotion,pixels,Usage\n"
        + "3," + pixels(2304, 1) + ",Training\n"
        + "3," + pixels(2303, 1) + ",Training\n");
    DatasetException e = assertThrows(DatasetException.class,
        () -> FaceDatasets.read(csv, null, List.of("Training")));
    assertEquals(3, e.line());
    assertTrue(e.getMessage().startsWith(csv + ":3: field 'pixels' holds 2303 values"), e.getMessage());

    Path label = Files.writeString(tmp.resolve("label.csv"), "emotion,pixels,Usage\n9," + pixels(4, 1) + ",Training\n");
    e = assertThrows(DatasetException.class, () -> FaceDatasets.read(label, null, List.of("Training")));
    assertTrue(e.getMessage().contains("label.csv:2: field 'emotion' must be a class 0 to 6, got '9'"), e.getMessage());

    Path value = Files.writeString(tmp.resolve("value.csv"), "emotion,pixels,Usage\n1,1 2 300 4,Training\n");
    e = assertThrows(DatasetException.class, () -> FaceDatasets.read(value, null, List.of("Training")));
    assertTrue(e.getMessage().contains("value.csv:2: field 'pixels': value 3 is above 255"), e.getMessage());

    Path fields = Files.writeString(tmp.resolve("fields.csv"), "emotion,pixels,Usage\n1,1 2 3 4\n");
    e = assertThrows(DatasetException.class, () -> FaceDatasets.read(fields, null, List.of("Training")));
    assertTrue(e.getMessage().contains("fields.csv:2: expected 3 comma-separated fields, found 2"), e.getMessage());

    Path header = Files.writeString(tmp.resolve("header.csv"), "label,image\n1,1 2 3 4\n");
    e = assertThrows(DatasetException.class, () -> FaceDatasets.read(header, null, List.of("Training")));
    assertTrue(e.getMessage().contains("header.csv:1: header must name the columns emotion and pixels"), e.getMessage());
  }

  @Test
  void unknownUsageAndClassAreExplained() throws IOException {
    Path csv = SyntheticFaces.writeCsv(tmp.resolve("fer.csv"), 1, 1, 1);
    DatasetException e = assertThrows(DatasetException.class,
        () -> FerCsvReader.read(csv, ClassSelection.of(EmotionLabels.FER2013, null), Set.of("PrivateTest")));
    assertTrue(e.getMessage().contains("no rows with Usage 'PrivateTest'") && e.getMessage().contains("PublicTest=3"),
        e.getMessage());
    IllegalArgumentException c = assertThrows(IllegalArgumentException.class,
        () -> FaceDatasets.read(csv, "happy,contempt", List.of("Training")));
    assertTrue(c.getMessage().contains("unknown class 'contempt'"), c.getMessage());
  }

  @Test
  void imageFolderTreeReadsLikeTheCsv() throws IOException {
    Path root = SyntheticFaces.writeFolders(tmp.resolve("tree"), 3, 2, 1);
    assertEquals(SyntheticFaces.CLASSES, ImageFolderReader.classes(root, "Training"));
    Map<String, LabelledFaces> splits = FaceDatasets.read(root, "happy,angry", List.of("Training", "PublicTest"));
    assertEquals(List.of("happy", "angry"), splits.get("Training").classes());
    assertArrayEquals(new int[] {3, 3}, splits.get("Training").classCounts());
    assertArrayEquals(new int[] {2, 2}, splits.get("PublicTest").classCounts());
    DatasetException e = assertThrows(DatasetException.class,
        () -> FaceDatasets.read(root, null, List.of("Validation")));
    assertTrue(e.getMessage().contains("no split folder 'Validation'"), e.getMessage());
  }

  static String pixels(int n, int value) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < n; i++) {
      s.append(i == 0 ? "" : " ").append(value);
    }
    return s.toString();
  }
}
