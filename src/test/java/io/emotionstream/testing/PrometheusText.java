package io.emotionstream.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The series of a Prometheus text exposition ({@code /metrics}), for tests that read what a running
 * processor or ingest process reports. Ours because the Prometheus client libraries on the classpath
 * write the format but do not read it, and the tests need only its sample lines: {@code name value},
 * {@code name{label="value",...} value [timestamp]}; comments ({@code # HELP}, {@code # TYPE}) and blank
 * lines are skipped. A line that is not in the format fails the parse with the line quoted, so a
 * broken exposition fails the test that scraped it instead of reading as a missing series.
 */
public final class PrometheusText {

  /** One sample line: its metric name, its labels (unescaped), its value and the line itself. */
  public record Series(String name, Map<String, String> labels, double value, String line) {

    /** Whether the series has the label {@code name} with exactly {@code value}. */
    public boolean has(String label, String value) {
      return value.equals(labels.get(label));
    }
  }

  private final List<Series> series;

  private PrometheusText(List<Series> series) {
    this.series = series;
  }

  /** Parses an exposition; throws {@link IllegalArgumentException} naming the first malformed line. */
  public static PrometheusText parse(String exposition) {
    List<Series> out = new ArrayList<>();
    for (String line : exposition.split("\n")) {
      if (!line.isBlank() && !line.startsWith("#")) {
        out.add(series(line));
      }
    }
    return new PrometheusText(out);
  }

  /** Every sample line, in exposition order. */
  public List<Series> series() {
    return series;
  }

  /** The metric names that have at least one sample line. */
  public Set<String> names() {
    return series.stream().map(Series::name).collect(Collectors.toCollection(TreeSet::new));
  }

  /** The series of one metric name whose labels pass {@code filter}. */
  public List<Series> series(String name, Predicate<Series> filter) {
    return series.stream().filter(s -> s.name.equals(name) && filter.test(s)).toList();
  }

  /** The value of the first series named {@code name} that passes {@code filter}; fails naming both when none does. */
  public double value(String name, Predicate<Series> filter) {
    return series(name, filter).stream().findFirst()
        .orElseThrow(() -> new AssertionError(name + " with the labels asked for is missing from the exposition; "
            + "series of that name: " + series(name, s -> true).stream().map(Series::labels).toList()))
        .value();
  }

  /** The value of the first series named {@code name}; fails when the exposition has none. */
  public double value(String name) {
    return value(name, s -> true);
  }

  /** The sum of the values of the series named {@code name} that pass {@code filter} (0 when none does). */
  public double sum(String name, Predicate<Series> filter) {
    return series(name, filter).stream().mapToDouble(Series::value).sum();
  }

  private static Series series(String line) {
    int i = 0;
    while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
      i++;
    }
    String name = line.substring(0, i);
    if (name.isEmpty() || i == line.length()) {
      throw malformed(line, "no metric name followed by a value");
    }
    Map<String, String> labels = new HashMap<>();
    if (line.charAt(i) == '{') {
      i = labels(line, i + 1, labels);
    }
    String[] rest = line.substring(i).trim().split(" +");
    if (rest.length > 2 || rest[0].isEmpty()) {
      throw malformed(line, "expected a value and an optional timestamp after the labels");
    }
    return new Series(name, Map.copyOf(labels), value(line, rest[0]), line);
  }

  /** Reads {@code a="x",b="y"} up to the closing brace into {@code into}; returns the index after the brace. */
  private static int labels(String line, int i, Map<String, String> into) {
    while (true) {
      if (i >= line.length()) {
        throw malformed(line, "unclosed label set");
      }
      if (line.charAt(i) == '}') {
        return i + 1;
      }
      int eq = line.indexOf("=\"", i);
      if (eq < 0) {
        throw malformed(line, "a label without =\"value\" at column " + i);
      }
      String label = line.substring(i, eq).trim();
      StringBuilder value = new StringBuilder();
      int j = eq + 2;
      for (; j < line.length() && line.charAt(j) != '"'; j++) {
        char c = line.charAt(j);
        if (c == '\\' && j + 1 < line.length()) {
          char e = line.charAt(++j);
          value.append(e == 'n' ? '\n' : e);
        } else {
          value.append(c);
        }
      }
      if (j >= line.length()) {
        throw malformed(line, "unterminated value of label " + label);
      }
      into.put(label, value.toString());
      i = j + 1;
      if (i < line.length() && line.charAt(i) == ',') {
        i++;
      }
    }
  }

  private static double value(String line, String text) {
    switch (text) {
      case "+Inf":
        return Double.POSITIVE_INFINITY;
      case "-Inf":
        return Double.NEGATIVE_INFINITY;
      case "NaN":
        return Double.NaN;
      default:
        try {
          return Double.parseDouble(text);
        } catch (NumberFormatException e) {
          throw malformed(line, "value " + text + " is not a number");
        }
    }
  }

  private static IllegalArgumentException malformed(String line, String why) {
    return new IllegalArgumentException("not a Prometheus sample line (" + why + "): " + line);
  }
}
