package io.emotionstream.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Which of a dataset's classes are used, in which output order ({@code --classes angry,happy}).
 * Names are compared with {@link EmotionLabels#canonical}, so {@code fearful} selects FER2013's
 * {@code fear}.
 */
public final class ClassSelection {

  private final List<String> available;
  private final List<String> selected;
  private final int[] targetOfSource;

  private ClassSelection(List<String> available, List<String> selected) {
    this.available = List.copyOf(available);
    this.selected = List.copyOf(selected);
    targetOfSource = new int[available.size()];
    Arrays.fill(targetOfSource, -1);
    for (int t = 0; t < selected.size(); t++) {
      targetOfSource[indexOf(available, selected.get(t))] = t;
    }
  }

  /**
   * @param available the dataset's classes, in its own order
   * @param requested comma-separated class names, or null/blank for all available classes
   * @throws IllegalArgumentException naming an unknown or repeated class and the known ones
   */
  public static ClassSelection of(List<String> available, String requested) {
    if (requested == null || requested.isBlank()) {
      return new ClassSelection(available, available);
    }
    List<String> selected = new ArrayList<>();
    for (String part : requested.split(",")) {
      String name = part.trim();
      if (name.isEmpty()) {
        continue;
      }
      int i = indexOf(available, name);
      if (i < 0) {
        throw new IllegalArgumentException("unknown class '" + name + "' (the data has " + available + ")");
      }
      if (selected.contains(available.get(i))) {
        throw new IllegalArgumentException("class '" + name + "' is listed twice in --classes");
      }
      selected.add(available.get(i));
    }
    if (selected.size() < 2) {
      throw new IllegalArgumentException("--classes needs at least two classes: " + requested);
    }
    return new ClassSelection(available, selected);
  }

  /** Index of the name in the list by canonical spelling, or -1. */
  static int indexOf(List<String> names, String name) {
    String c = EmotionLabels.canonical(name);
    for (int i = 0; i < names.size(); i++) {
      if (EmotionLabels.canonical(names.get(i)).equals(c)) {
        return i;
      }
    }
    return -1;
  }

  /** The selected class names in output order (spelled as in the dataset). */
  public List<String> classes() {
    return selected;
  }

  /** The output index of a dataset class index, or -1 when the class is not selected. */
  public int target(int sourceIndex) {
    return sourceIndex >= 0 && sourceIndex < targetOfSource.length ? targetOfSource[sourceIndex] : -1;
  }

  /** The dataset's classes, in its own order. */
  public List<String> available() {
    return available;
  }
}
