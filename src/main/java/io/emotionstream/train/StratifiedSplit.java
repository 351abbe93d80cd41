package io.emotionstream.train;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Splits samples into training and validation sets with the same class proportions: within each
 * class the samples are shuffled with the seed and the first {@code round(n * fraction)} go to
 * validation (at least one when the class has two or more samples).
 */
public final class StratifiedSplit {

  private final LabelledFaces train;
  private final LabelledFaces validation;

  private StratifiedSplit(LabelledFaces train, LabelledFaces validation) {
    this.train = train;
    this.validation = validation;
  }

  public static StratifiedSplit of(LabelledFaces all, double fraction, long seed) {
    if (!(fraction > 0 && fraction < 1)) {
      throw new IllegalArgumentException("validation fraction must be between 0 and 1: " + fraction);
    }
    int classes = all.classes().size();
    List<List<Integer>> byClass = new ArrayList<>();
    for (int c = 0; c < classes; c++) {
      byClass.add(new ArrayList<>());
    }
    for (int i = 0; i < all.size(); i++) {
      byClass.get(all.label(i)).add(i);
    }
    SplittableRandom random = new SplittableRandom(Seeds.mix(seed, Seeds.SPLIT));
    List<Integer> trainIdx = new ArrayList<>();
    List<Integer> valIdx = new ArrayList<>();
    for (List<Integer> members : byClass) {
      int[] shuffled = members.stream().mapToInt(Integer::intValue).toArray();
      Seeds.shuffle(shuffled, random);
      int n = shuffled.length;
      int val = (int) Math.round(n * fraction);
      if (val == 0 && n >= 2) {
        val = 1;
      }
      for (int k = 0; k < n; k++) {
        (k < val ? valIdx : trainIdx).add(shuffled[k]);
      }
    }
    trainIdx.sort(null);
    valIdx.sort(null);
    return new StratifiedSplit(all.subset(trainIdx.stream().mapToInt(Integer::intValue).toArray()),
        all.subset(valIdx.stream().mapToInt(Integer::intValue).toArray()));
  }

  public LabelledFaces train() {
    return train;
  }

  public LabelledFaces validation() {
    return validation;
  }
}
