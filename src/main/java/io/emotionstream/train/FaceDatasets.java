package io.emotionstream.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Opens a dataset by its path: a FER2013 CSV file ({@code .csv}, {@code .csv.gz}) or an image folder tree. */
public final class FaceDatasets {

  private FaceDatasets() {}

  /**
   * Reads the named splits.
   *
   * @param data a FER2013 Kaggle CSV file or a {@code <split>/<class>/} folder tree
   * @param classes comma-separated class names to keep, in output order; null for all
   * @param splits {@code Usage} values (CSV) or split folder names (tree)
   * @return the splits, in the order requested, labels in the selected class order
   */
  public static Map<String, LabelledFaces> read(Path data, String classes, List<String> splits) {
    return read(data, classes, splits, null);
  }

  /**
   * @param ferplus FER+ majority labels to use instead of the file's (FER2013 CSV only), or null
   */
  public static Map<String, LabelledFaces> read(Path data, String classes, List<String> splits,
      FerPlusLabels ferplus) {
    Set<String> wanted = new LinkedHashSet<>(splits);
    if (ferplus != null && !Files.isRegularFile(data)) {
      throw new DatasetException(data, 0, "FER+ labels need the FER2013 CSV file, not a folder tree");
    }
    if (Files.isDirectory(data)) {
      ClassSelection selection = ClassSelection.of(ImageFolderReader.classes(data, splits.get(0)), classes);
      return ImageFolderReader.read(data, selection, wanted);
    }
    if (!Files.isRegularFile(data)) {
      throw new DatasetException(data, 0, "no such dataset file or folder");
    }
    return FerCsvReader.read(data, ClassSelection.of(EmotionLabels.FER2013, classes), wanted, ferplus);
  }

  /**
   * Training and validation sets: two splits of the data ({@code valFraction} null), or a
   * stratified share of the training split held out with the seed.
   */
  public static TrainValidation trainValidation(Path data, String classes, String trainSplit, String valSplit,
      Double valFraction, long seed) {
    return trainValidation(data, classes, trainSplit, valSplit, valFraction, seed, null);
  }

  /**
   * @param votes FER+ votes to attach to the training rows as distributions (a FER2013 CSV only; the
   *     validation rows never get theirs, also when they are a share of the training split), or null
   */
  public static TrainValidation trainValidation(Path data, String classes, String trainSplit, String valSplit,
      Double valFraction, long seed, FerPlusLabels votes) {
    if (votes != null && !Files.isRegularFile(data)) {
      throw new DatasetException(data, 0, "FER+ soft targets need the FER2013 CSV file, not a folder tree");
    }
    if (valFraction != null) {
      LabelledFaces all = votes == null ? read(data, classes, List.of(trainSplit)).get(trainSplit)
          : FerCsvReader.readWithVotes(data, ClassSelection.of(EmotionLabels.FER2013, classes), Set.of(trainSplit),
              votes, trainSplit).get(trainSplit);
      StratifiedSplit split = StratifiedSplit.of(all, valFraction, seed);
      return new TrainValidation(split.train(), split.validation().withoutDistributions(),
          trainSplit + " minus a stratified " + valFraction + " (seed " + seed + ")",
          "stratified " + valFraction + " of " + trainSplit + " (seed " + seed + ")");
    }
    Map<String, LabelledFaces> splits = votes == null ? read(data, classes, List.of(trainSplit, valSplit))
        : FerCsvReader.readWithVotes(data, ClassSelection.of(EmotionLabels.FER2013, classes),
            new LinkedHashSet<>(List.of(trainSplit, valSplit)), votes, trainSplit);
    return new TrainValidation(splits.get(trainSplit), splits.get(valSplit), trainSplit, valSplit);
  }

  /** The two sets and how they were made (for the report). */
  public record TrainValidation(LabelledFaces train, LabelledFaces validation, String trainSource,
      String validationSource) {

    public TrainValidation {
      if (train.size() == 0) {
        throw new IllegalArgumentException("the training set is empty (" + trainSource + ")");
      }
      if (validation.size() == 0) {
        throw new IllegalArgumentException("the validation set is empty (" + validationSource + ")");
      }
    }
  }
}
