package io.emotionstream.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts of (true class, predicted class) and the metrics derived from them: accuracy, per-class
 * precision/recall/F1 and macro-F1 (the unweighted mean of the per-class F1, so that rare classes
 * such as FER2013's {@code disgust} count as much as {@code happy}). A class with no predictions
 * (or no samples) has precision (or recall) 0.
 */
public final class ConfusionMatrix {

  private final List<String> labels;
  private final long[][] counts;

  public ConfusionMatrix(List<String> labels) {
    this.labels = List.copyOf(labels);
    this.counts = new long[labels.size()][labels.size()];
  }

  public void add(int actual, int predicted) {
    counts[actual][predicted]++;
  }

  public List<String> labels() {
    return labels;
  }

  /** Row = true class, column = predicted class. */
  public long[][] counts() {
    long[][] copy = new long[counts.length][];
    for (int i = 0; i < counts.length; i++) {
      copy[i] = counts[i].clone();
    }
    return copy;
  }

  public long count() {
    long n = 0;
    for (long[] row : counts) {
      for (long c : row) {
        n += c;
      }
    }
    return n;
  }

  public double accuracy() {
    long n = count();
    long correct = 0;
    for (int i = 0; i < counts.length; i++) {
      correct += counts[i][i];
    }
    return n == 0 ? 0 : (double) correct / n;
  }

  public long support(int c) {
    long s = 0;
    for (long v : counts[c]) {
      s += v;
    }
    return s;
  }

  public double precision(int c) {
    long predicted = 0;
    for (long[] row : counts) {
      predicted += row[c];
    }
    return predicted == 0 ? 0 : (double) counts[c][c] / predicted;
  }

  public double recall(int c) {
    long s = support(c);
    return s == 0 ? 0 : (double) counts[c][c] / s;
  }

  public double f1(int c) {
    double p = precision(c);
    double r = recall(c);
    return p + r == 0 ? 0 : 2 * p * r / (p + r);
  }

  public double macroF1() {
    double sum = 0;
    for (int c = 0; c < labels.size(); c++) {
      sum += f1(c);
    }
    return labels.isEmpty() ? 0 : sum / labels.size();
  }

  /**
   * The metrics as the {@code evaluate --json} object (and {@code report.json}) print them:
   * {@code accuracy}, {@code macro_f1}, {@code per_class} (label -> precision, recall, f1,
   * support), {@code confusion} (rows = true class), {@code labels}, {@code count}.
   */
  public Map<String, Object> toJsonMap() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("accuracy", round(accuracy()));
    out.put("macro_f1", round(macroF1()));
    Map<String, Object> perClass = new LinkedHashMap<>();
    for (int c = 0; c < labels.size(); c++) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("precision", round(precision(c)));
      m.put("recall", round(recall(c)));
      m.put("f1", round(f1(c)));
      m.put("support", support(c));
      perClass.put(labels.get(c), m);
    }
    out.put("per_class", perClass);
    out.put("labels", labels);
    out.put("confusion", counts());
    out.put("count", count());
    return out;
  }

  static double round(double v) {
    return Math.round(v * 1e6) / 1e6;
  }
}
