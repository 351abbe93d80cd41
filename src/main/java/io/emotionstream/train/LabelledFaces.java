package io.emotionstream.train;

import java.util.ArrayList;
import java.util.List;

/** Face images with class indices into {@link #classes()}: one split of a dataset. */
public final class LabelledFaces {

  private final List<String> classes;
  private final List<GreyImage> images = new ArrayList<>();
  private final List<Integer> labels = new ArrayList<>();

  public LabelledFaces(List<String> classes) {
    this.classes = List.copyOf(classes);
  }

  public void add(GreyImage image, int label) {
    if (label < 0 || label >= classes.size()) {
      throw new IllegalArgumentException("label " + label + " outside classes " + classes);
    }
    images.add(image);
    labels.add(label);
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

  /** The samples at these indices, in that order. */
  public LabelledFaces subset(int[] indices) {
    LabelledFaces out = new LabelledFaces(classes);
    for (int i : indices) {
      out.add(images.get(i), labels.get(i));
    }
    return out;
  }
}
