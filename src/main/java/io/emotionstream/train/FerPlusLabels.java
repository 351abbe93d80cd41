package io.emotionstream.train;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * FER+ majority labels for FER2013 rows. The FER+ file ({@code fer2013new.csv}: {@code Usage, Image
 * name, neutral, happiness, surprise, sadness, anger, disgust, fear, contempt, unknown, NF}) holds
 * ten annotators' votes for every row of the original {@code fer2013.csv}, in the same row order.
 *
 * <p>The rule: a row's label is the column with the most votes of all ten, when exactly one column
 * has that many and it is one of the seven FER2013 emotions. Rows whose top column is contempt,
 * unknown or NF (not a face), rows with a tie at the top (also a tie with one of those three), and
 * rows without votes are left out of the evaluation.
 *
 * <p>Rows are matched by position when the FER2013 file holds every original row in the original
 * order. A copy with rows removed (some distributions drop unusable images) no longer lines up by
 * position, and FER+ has no pixels to match on: {@link #align} then lines the two files up per
 * usage by the only thing they share, the labels. It keeps the order, may skip FER+ rows (never
 * FER2013 rows), and chooses the skips that give each FER2013 row the most FER+ votes for its own
 * label (dynamic programming over at most as many skips as the files differ in rows). The skipped
 * FER+ rows and the mean vote share are reported, so a reader can judge the alignment; on the
 * PublicTest rows it skipped 14 FER+ rows, 7 of them rows that FER+ itself marks as unusable (0.3%
 * of all rows are), which a wrong alignment would not do.
 */
public final class FerPlusLabels {

  /** Marks a row without a FER+ majority label. */
  public static final int NONE = -1;
  /** The FER+ vote columns in file order, as FER2013 class indices; -1 for contempt, unknown, NF. */
  static final List<String> COLUMNS = List.of("neutral", "happiness", "surprise", "sadness", "anger", "disgust",
      "fear", "contempt", "unknown", "nf");
  private static final int[] FER2013_CLASS = {6, 3, 5, 4, 0, 1, 2, -1, -1, -1};

  private final Path file;
  private final List<String> usages;
  private final int[] labels;
  private final List<int[]> votes;

  private FerPlusLabels(Path file, List<String> usages, int[] labels, List<int[]> votes) {
    this.file = file;
    this.usages = usages;
    this.labels = labels;
    this.votes = votes;
  }

  /**
   * Reads the votes and takes the majority of each row.
   *
   * @throws DatasetException naming the file and line of a header or row that does not fit
   */
  public static FerPlusLabels read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new DatasetException(file, 0, "no such FER+ file");
    }
    List<String> usages = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    List<int[]> allVotes = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
      String header = in.readLine();
      if (header == null) {
        throw new DatasetException(file, 1, "empty file, expected the FER+ header");
      }
      List<String> names = List.of(header.toLowerCase(Locale.ROOT).split(",", -1)).stream().map(String::trim).toList();
      int usage = names.indexOf("usage");
      int first = names.indexOf(COLUMNS.get(0));
      if (usage < 0 || first < 0 || first + COLUMNS.size() > names.size()
          || !names.subList(first, first + COLUMNS.size()).equals(COLUMNS)) {
        throw new DatasetException(file, 1, "header must hold Usage and the vote columns " + COLUMNS
            + " in that order, got '" + header + "'");
      }
      String line;
      long lineNo = 1;
      while ((line = in.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        String[] f = line.split(",", -1);
        if (f.length != names.size()) {
          throw new DatasetException(file, lineNo, "expected " + names.size() + " fields, found " + f.length);
        }
        int[] votes = new int[COLUMNS.size()];
        for (int c = 0; c < votes.length; c++) {
          try {
            votes[c] = Integer.parseInt(f[first + c].trim());
          } catch (NumberFormatException e) {
            throw new DatasetException(file, lineNo, "field '" + COLUMNS.get(c) + "' must be a vote count, got '"
                + f[first + c] + "'");
          }
          if (votes[c] < 0) {
            throw new DatasetException(file, lineNo, "field '" + COLUMNS.get(c) + "' is negative");
          }
        }
        usages.add(f[usage].trim());
        labels.add(majority(votes));
        allVotes.add(votes);
      }
    } catch (IOException e) {
      throw new DatasetException(file, "cannot read: " + e.getMessage(), e);
    }
    return new FerPlusLabels(file, List.copyOf(usages), labels.stream().mapToInt(Integer::intValue).toArray(),
        allVotes);
  }

  /** The FER2013 class index of the majority of these ten vote counts, or {@link #NONE}. */
  static int majority(int[] votes) {
    int best = -1;
    int top = 0;
    boolean tie = false;
    for (int c = 0; c < votes.length; c++) {
      if (votes[c] > top) {
        top = votes[c];
        best = c;
        tie = false;
      } else if (votes[c] == top && top > 0) {
        tie = true;
      }
    }
    return best < 0 || tie ? NONE : FER2013_CLASS[best];
  }

  /**
   * The FER+ label of the FER2013 row {@code row} (0-based, header not counted).
   *
   * @throws DatasetException naming both files when the rows cannot be the same images
   */
  int label(long row, String usage, Path ferFile, long line) {
    if (row >= labels.length) {
      throw misaligned(ferFile, line, "has more rows than the " + labels.length + " of the FER+ file");
    }
    if (!usages.get((int) row).equals(usage)) {
      throw misaligned(ferFile, line, "row " + (row + 1) + " has Usage '" + usage + "' but FER+ row " + (row + 1)
          + " has '" + usages.get((int) row) + "'");
    }
    return labels[(int) row];
  }

  private DatasetException misaligned(Path ferFile, long line, String what) {
    return new DatasetException(ferFile, line, what + ": FER+ labels (" + file + ") match FER2013 rows by position,"
        + " so they need the complete original fer2013.csv in its original order");
  }

  /**
   * How the rows of a FER2013 file were lined up with the FER+ rows.
   *
   * @param labels the FER+ label of every FER2013 row, in file order ({@link #NONE}: none)
   * @param plusRows the FER+ row of every FER2013 row, in file order
   * @param skipped FER+ rows that no FER2013 row took
   * @param meanVoteShare mean share of its FER+ votes that each FER2013 row's own label got
   * @param byPosition whether the files lined up row for row
   */
  public record Alignment(int[] labels, int[] plusRows, int skipped, double meanVoteShare, boolean byPosition) {
    public String describe() {
      return byPosition ? "FER+ rows matched by position"
          : String.format(Locale.ROOT, "FER+ rows aligned by label agreement: %d FER+ rows without a FER2013 row, "
              + "mean FER+ vote share of the FER2013 label %.3f", skipped, meanVoteShare);
    }
  }

  /**
   * The FER+ labels of a FER2013 file's rows, given each row's {@code Usage} and FER2013 class.
   *
   * @throws DatasetException naming both files when they cannot hold the same images (a usage with
   *     more FER2013 rows than FER+ rows, or far fewer)
   */
  public Alignment align(List<String> ferUsages, int[] ferEmotions, Path ferFile) {
    int n = ferUsages.size();
    if (n == labels.length && ferUsages.equals(usages)) {
      double share = 0;
      for (int i = 0; i < n; i++) {
        share += voteShare(i, ferEmotions[i]);
      }
      return new Alignment(labels.clone(), java.util.stream.IntStream.range(0, n).toArray(), 0,
          n == 0 ? 0 : share / n, true);
    }
    int[] out = new int[n];
    int[] rows = new int[n];
    double share = 0;
    int skipped = 0;
    for (String usage : new java.util.LinkedHashSet<>(ferUsages)) {
      List<Integer> fer = new ArrayList<>();
      List<Integer> plus = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (ferUsages.get(i).equals(usage)) {
          fer.add(i);
        }
      }
      for (int j = 0; j < usages.size(); j++) {
        if (usages.get(j).equals(usage)) {
          plus.add(j);
        }
      }
      int gaps = plus.size() - fer.size();
      if (gaps < 0 || gaps > MAX_SKIPPED) {
        throw misaligned(ferFile, 0, "has " + fer.size() + " '" + usage + "' rows, the FER+ file " + plus.size());
      }
      int[] match = alignBlock(fer, plus, ferEmotions, gaps);
      for (int k = 0; k < fer.size(); k++) {
        out[fer.get(k)] = labels[plus.get(match[k])];
        rows[fer.get(k)] = plus.get(match[k]);
        share += voteShare(plus.get(match[k]), ferEmotions[fer.get(k)]);
      }
      skipped += gaps;
    }
    return new Alignment(out, rows, skipped, n == 0 ? 0 : share / n, false);
  }

  /** The most FER+ rows an alignment may skip per usage (the rows of a copy, not of another file). */
  private static final int MAX_SKIPPED = 2_000;

  /**
   * For each FER2013 row of the block, the index in {@code plus} of its FER+ row: order kept, at most
   * {@code gaps} FER+ rows skipped, the sum of vote shares as large as possible.
   */
  private int[] alignBlock(List<Integer> fer, List<Integer> plus, int[] emotions, int gaps) {
    int n = fer.size();
    double[] prev = new double[gaps + 1];
    short[][] from = new short[n][gaps + 1];
    for (int i = 0; i < n; i++) {
      double[] cur = new double[gaps + 1];
      double best = Double.NEGATIVE_INFINITY;
      int bestK = 0;
      for (int k = 0; k <= gaps; k++) {
        // row i takes FER+ row i + k: the rows before it skipped at most k
        if (prev[k] > best) {
          best = prev[k];
          bestK = k;
        }
        cur[k] = best + voteShare(plus.get(i + k), emotions[fer.get(i)]);
        from[i][k] = (short) bestK;
      }
      prev = cur;
    }
    int k = 0;
    for (int g = 1; g <= gaps; g++) {
      if (prev[g] > prev[k]) {
        k = g;
      }
    }
    int[] match = new int[n];
    for (int i = n - 1; i >= 0; i--) {
      match[i] = i + k;
      k = from[i][k];
    }
    return match;
  }

  /**
   * The FER+ row's votes for the seven FER2013 emotions as a distribution over the selected
   * classes (contempt, unknown, not-a-face and unselected emotions left out, the rest rescaled to
   * sum to 1), or null when none of its votes went to a selected class.
   */
  float[] distribution(int plusRow, ClassSelection selection) {
    int[] v = votes.get(plusRow);
    float[] out = new float[selection.classes().size()];
    int total = 0;
    for (int c = 0; c < v.length; c++) {
      int target = FER2013_CLASS[c] < 0 ? -1 : selection.target(FER2013_CLASS[c]);
      if (target >= 0) {
        out[target] += v[c];
        total += v[c];
      }
    }
    if (total == 0) {
      return null;
    }
    for (int c = 0; c < out.length; c++) {
      out[c] /= total;
    }
    return out;
  }

  /** Share of the FER+ row's votes that went to the FER2013 class {@code emotion}. */
  private double voteShare(int plusRow, int emotion) {
    int[] v = votes.get(plusRow);
    int total = 0;
    int mine = 0;
    for (int c = 0; c < v.length; c++) {
      total += v[c];
      if (FER2013_CLASS[c] == emotion) {
        mine += v[c];
      }
    }
    return total == 0 ? 0 : (double) mine / total;
  }

  /** Rows per usage and how many of them have a majority label, for reports. */
  public long count(String usage, boolean labelled) {
    long n = 0;
    for (int i = 0; i < labels.length; i++) {
      if (usages.get(i).equals(usage) && (!labelled || labels[i] != NONE)) {
        n++;
      }
    }
    return n;
  }

  public Path file() {
    return file;
  }

  /** The rule, as the reports state it. */
  public static String rule() {
    return "FER+ majority: the one column with the most of the 10 votes, when it is one of the 7 FER2013 "
        + "emotions; rows topped by contempt, unknown or NF, or tied at the top, are left out";
  }
}
