package io.emotionstream.train;

import java.util.ArrayList;
import java.util.List;

/**
 * Face images with class indices into {@link #classes()}: one split of a dataset. A sample may also
 * carry a distribution over the classes (annotators' votes, see {@link FerPlusLabels}), which
 * training can mix into its target.
 */
public final class LabelledFaces {

  private final List<String> classes;
  private final List<GreyImage> images = new ArrayList<>();
  private final List<Integer> labels = new ArrayList<>();
  private final List<float[]> distributions = new ArrayList<>();
  private int withDistribution;

  public LabelledFaces(List<String> classes) {
    this.classes = List.copyOf(classes);
  }

  public void add(GreyImage image, int label) {
    add(image, label, null);
  }

  /**
   * @param distribution probabilities over {@link #classes()} (summing to 1), or null
   */
  public void add(GreyImage image, int label, float[] distribution) {
    if (label < 0 || label >= classes.size()) {
      throw new IllegalArgumentException("label " + label + " outside classes " + classes);
    }
    if (distribution != null && distribution.length != classes.size()) {
      throw new IllegalArgumentException("distribution over " + distribution.length + " classes, not "
          + classes.size());
    }
    images.add(image);
    labels.add(label);
    distributions.add(distribution);
    if (distribution != null) {
      withDistribution++;
    }
  }

  /** The sample's class distribution, or null when it has none. */
  public float[] distribution(int i) {
    return distributions.get(i);
  }

  /** How many samples carry a distribution. */
  public int distributionCount() {
    return withDistribution;
  }

  public List<String> classes() {
    return classes;
  }

  public int size() {
    return images.size();
  }

  public GreyImage image(int i) {
    return images.get(i);
  }

  public int label(int i) {
    return labels.get(i);
  }

  /** Number of samples per class, in class order. */
  public int[] classCounts() {
    int[] counts = new int[classes.size()];
    for (int l : labels) {
      counts[l]++;
    }
    return counts;
  }

  /** The same samples without their distributions. */
  public LabelledFaces withoutDistributions() {
    LabelledFaces out = new LabelledFaces(classes);
    for (int i = 0; i < images.size(); i++) {
      out.add(images.get(i), labels.get(i));
    }
    return out;
  }

  /** The samples at these indices, in that order. */
  public LabelledFaces subset(int[] indices) {
    LabelledFaces out = new LabelledFaces(classes);
    for (int i : indices) {
      out.add(images.get(i), labels.get(i), distributions.get(i));
    }
    return out;
  }
}
