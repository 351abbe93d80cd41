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
 * <p>Rows are matched by position, so the FER2013 file must hold every original row in the original
 * order: {@link #label} checks each row's {@code Usage} against the FER+ row and
 * {@link #checkRowCount} the total, and either refuses with both file names when they differ.
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

  private FerPlusLabels(Path file, List<String> usages, int[] labels) {
    this.file = file;
    this.usages = usages;
    this.labels = labels;
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
      }
    } catch (IOException e) {
      throw new DatasetException(file, "cannot read: " + e.getMessage(), e);
    }
    return new FerPlusLabels(file, List.copyOf(usages), labels.stream().mapToInt(Integer::intValue).toArray());
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

  /** Refuses a FER2013 file with fewer rows than the FER+ file. */
  void checkRowCount(long rows, Path ferFile) {
    if (rows != labels.length) {
      throw misaligned(ferFile, 0, "has " + rows + " rows, the FER+ file " + labels.length);
    }
  }

  private DatasetException misaligned(Path ferFile, long line, String what) {
    return new DatasetException(ferFile, line, what + ": FER+ labels (" + file + ") match FER2013 rows by position,"
        + " so they need the complete original fer2013.csv in its original order");
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
