package io.emotionstream.train;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

/**
 * Reads FER2013 in the Kaggle challenge format: a header {@code emotion,pixels,Usage} (any column
 * order), then one face per line: class 0 to 6 ({@link EmotionLabels#FER2013}), a square grey image
 * as space-separated values 0 to 255 (48x48 in FER2013), and the split name ({@code Training},
 * {@code PublicTest}, {@code PrivateTest}). Without a {@code Usage} column every row counts as
 * {@code Training}.
 *
 * <p>Streams the file ({@code .csv} or {@code .csv.gz}) line by line and keeps only the rows of the
 * requested splits and classes; pixels of other rows are not even parsed. A bad row stops the read
 * with a {@link DatasetException} naming the file, the line and the field.
 */
public final class FerCsvReader {

  private FerCsvReader() {}

  /**
   * @param file the CSV, gzip-compressed when its name ends with {@code .gz}
   * @param selection classes to keep, over {@link EmotionLabels#FER2013}
   * @param usages the {@code Usage} values to keep (each must occur in the file)
   * @return one {@link LabelledFaces} per requested usage, labels in the selection's order
   */
  public static Map<String, LabelledFaces> read(Path file, ClassSelection selection, Set<String> usages) {
    return read(file, selection, usages, null);
  }

  /** A face read before its FER+ label is known. */
  private record PendingFace(int row, String usage, int emotion, GreyImage pixels) {}

  /** How the last read with FER+ labels lined the files up, for reports (null before one). */
  private static volatile FerPlusLabels.Alignment lastAlignment;

  public static FerPlusLabels.Alignment lastAlignment() {
    return lastAlignment;
  }

  /**
   * @param ferplus when set, each row's class is its FER+ majority label instead of the {@code emotion}
   *     field, and rows without one are skipped; the rows are lined up with the FER+ rows by
   *     {@link FerPlusLabels#align}
   */
  public static Map<String, LabelledFaces> read(Path file, ClassSelection selection, Set<String> usages,
      FerPlusLabels ferplus) {
    return read(file, selection, usages, ferplus, null);
  }

  /**
   * Keeps the file's own labels and gives each row of {@code voteUsage} its FER+ vote distribution
   * ({@link LabelledFaces#distribution}); rows of the other usages get none, so the votes of
   * validation or test rows are never read into a training run.
   */
  public static Map<String, LabelledFaces> readWithVotes(Path file, ClassSelection selection, Set<String> usages,
      FerPlusLabels ferplus, String voteUsage) {
    return read(file, selection, usages, ferplus, java.util.Objects.requireNonNull(voteUsage, "voteUsage"));
  }

  /** With {@code voteUsage} null, FER+ majority labels replace the file's; else see {@link #readWithVotes}. */
  private static Map<String, LabelledFaces> read(Path file, ClassSelection selection, Set<String> usages,
      FerPlusLabels ferplus, String voteUsage) {
    Map<String, LabelledFaces> out = new LinkedHashMap<>();
    for (String usage : usages) {
      out.put(usage, new LabelledFaces(selection.classes()));
    }
    Map<String, Integer> seenUsages = new TreeMap<>();
    try (BufferedReader in = open(file)) {
      String header = in.readLine();
      if (header == null) {
        throw new DatasetException(file, 1, "empty file, expected the header emotion,pixels,Usage");
      }
      Columns columns = Columns.of(file, header);
      String line;
      long lineNo = 1;
      long row = -1;
      List<String> rowUsages = new ArrayList<>();
      List<Integer> rowEmotions = new ArrayList<>();
      List<PendingFace> pending = new ArrayList<>();
      while ((line = in.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        row++;
        String[] fields = line.split(",", -1);
        if (fields.length != columns.count) {
          throw new DatasetException(file, lineNo, "expected " + columns.count + " comma-separated fields, found "
              + fields.length);
        }
        String usage = columns.usage < 0 ? "Training" : unquote(fields[columns.usage]);
        seenUsages.merge(usage, 1, Integer::sum);
        LabelledFaces split = out.get(usage);
        int emotion = parseEmotion(file, lineNo, unquote(fields[columns.emotion]));
        if (ferplus != null) {
          // FER+ labels need every row's usage and class first (to line the files up), then the faces
          rowUsages.add(usage);
          rowEmotions.add(emotion);
          if (split != null) {
            pending.add(new PendingFace((int) row, usage, emotion, parsePixels(file, lineNo, unquote(fields[columns.pixels]))));
          }
          continue;
        }
        if (split == null) {
          continue;
        }
        int target = selection.target(emotion);
        if (target < 0) {
          continue;
        }
        split.add(parsePixels(file, lineNo, unquote(fields[columns.pixels])), target);
      }
      if (ferplus != null) {
        FerPlusLabels.Alignment alignment = ferplus.align(rowUsages,
            rowEmotions.stream().mapToInt(Integer::intValue).toArray(), file);
        lastAlignment = alignment;
        for (PendingFace face : pending) {
          if (voteUsage != null) {
            int target = selection.target(face.emotion());
            if (target >= 0) {
              float[] votes = face.usage().equals(voteUsage)
                  ? ferplus.distribution(alignment.plusRows()[face.row()], selection) : null;
              out.get(face.usage()).add(face.pixels(), target, votes);
            }
            continue;
          }
          int label = alignment.labels()[face.row()];
          int target = label == FerPlusLabels.NONE ? -1 : selection.target(label);
          if (target >= 0) {
            out.get(face.usage()).add(face.pixels(), target);
          }
        }
      }
    } catch (IOException e) {
      throw new DatasetException(file, "cannot read: " + e.getMessage(), e);
    }
    for (Map.Entry<String, LabelledFaces> e : out.entrySet()) {
      if (!seenUsages.containsKey(e.getKey())) {
        throw new DatasetException(file, 0, "no rows with Usage '" + e.getKey() + "' (the file has "
            + seenUsages + ")");
      }
    }
    return out;
  }

  private static BufferedReader open(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new DatasetException(file, 0, "no such file");
    }
    InputStream raw = Files.newInputStream(file);
    InputStream in = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gz")
        ? new GZIPInputStream(raw, 1 << 16) : raw;
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII), 1 << 16);
  }

  private static String unquote(String field) {
    String f = field.trim();
    return f.length() >= 2 && f.startsWith("\"") && f.endsWith("\"") ? f.substring(1, f.length() - 1).trim() : f;
  }

  private static int parseEmotion(Path file, long line, String value) {
    try {
      int e = Integer.parseInt(value);
      if (e >= 0 && e < EmotionLabels.FER2013.size()) {
        return e;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new DatasetException(file, line, "field 'emotion' must be a class 0 to "
        + (EmotionLabels.FER2013.size() - 1) + ", got '" + value + "'");
  }

  /** Parses space-separated bytes without regex or boxing: 32k rows of 2,304 values each. */
  static GreyImage parsePixels(Path file, long line, String value) {
    byte[] buffer = new byte[value.length() / 2 + 1];
    int n = 0;
    int current = -1;
    for (int i = 0, len = value.length(); i <= len; i++) {
      char c = i < len ? value.charAt(i) : ' ';
      if (c >= '0' && c <= '9') {
        current = (current < 0 ? 0 : current * 10) + (c - '0');
        if (current > 255) {
          throw new DatasetException(file, line, "field 'pixels': value " + (n + 1) + " is above 255");
        }
      } else if (c == ' ' || c == '\t') {
        if (current >= 0) {
          buffer[n++] = (byte) current;
          current = -1;
        }
      } else {
        throw new DatasetException(file, line, "field 'pixels': unexpected character '" + c
            + "' after value " + n + " (expected space-separated integers 0 to 255)");
      }
    }
    int side = (int) Math.round(Math.sqrt(n));
    if (n == 0 || side * side != n) {
      throw new DatasetException(file, line, "field 'pixels' holds " + n
          + " values, not a square image (FER2013 rows hold 2304 = 48x48)");
    }
    byte[] pixels = new byte[n];
    System.arraycopy(buffer, 0, pixels, 0, n);
    return new GreyImage(side, side, pixels);
  }

  /** Positions of the columns in the header. */
  private record Columns(int count, int emotion, int pixels, int usage) {

    static Columns of(Path file, String header) {
      List<String> names = List.of(header.toLowerCase(Locale.ROOT).replace("\"", "").split(",", -1))
          .stream().map(String::trim).toList();
      int emotion = names.indexOf("emotion");
      int pixels = names.indexOf("pixels");
      int usage = names.indexOf("usage");
      if (emotion < 0 || pixels < 0) {
        throw new DatasetException(file, 1, "header must name the columns emotion and pixels (and Usage), got '"
            + header + "'");
      }
      return new Columns(names.size(), emotion, pixels, usage);
    }
  }
}
