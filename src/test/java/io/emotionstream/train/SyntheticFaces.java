package io.emotionstream.train;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;

/**
 * A trivially separable stand-in for FER2013: 48x48 grey images of three patterns with noise,
 * stored under FER2013 labels so the same files exercise the CSV reader and class selection.
 * {@code angry} (0) = horizontal stripes, {@code happy} (3) = vertical stripes, {@code neutral}
 * (6) = a bright disc on a dark background.
 */
final class SyntheticFaces {

  static final int SIDE = 48;
  /** The FER2013 labels used, in FER2013 order. */
  static final int[] FER_LABELS = {0, 3, 6};
  static final List<String> CLASSES = List.of("angry", "happy", "neutral");

  private SyntheticFaces() {}

  static byte[] pattern(int ferLabel, Random random) {
    byte[] p = new byte[SIDE * SIDE];
    int phase = random.nextInt(8);
    int period = 6 + random.nextInt(4);
    double cx = 24 + random.nextGaussian() * 3;
    double cy = 24 + random.nextGaussian() * 3;
    double radius = 10 + random.nextInt(6);
    for (int y = 0; y < SIDE; y++) {
      for (int x = 0; x < SIDE; x++) {
        double v = switch (ferLabel) {
          case 0 -> ((y + phase) % period) < period / 2 ? 200 : 50;
          case 3 -> ((x + phase) % period) < period / 2 ? 200 : 50;
          default -> Math.hypot(x - cx, y - cy) < radius ? 210 : 40;
        };
        v += random.nextGaussian() * 20;
        p[y * SIDE + x] = (byte) Math.max(0, Math.min(255, (int) Math.round(v)));
      }
    }
    return p;
  }

  /** A Kaggle-format CSV with {@code perClassTrain} Training and {@code perClassTest} PublicTest rows per class. */
  static Path writeCsv(Path file, int perClassTrain, int perClassTest, long seed) throws IOException {
    Random random = new Random(seed);
    try (OutputStream raw = Files.newOutputStream(file);
        OutputStream out = file.toString().endsWith(".gz") ? new GZIPOutputStream(raw) : raw;
        PrintWriter w = new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.US_ASCII))) {
      w.println("emotion,pixels,Usage");
      for (String usage : new String[] {"Training", "PublicTest"}) {
        int n = usage.equals("Training") ? perClassTrain : perClassTest;
        for (int i = 0; i < n; i++) {
          for (int label : FER_LABELS) {
            byte[] p = pattern(label, random);
            StringBuilder s = new StringBuilder().append(label).append(',');
            for (int k = 0; k < p.length; k++) {
              s.append(k == 0 ? "" : " ").append(p[k] & 0xff);
            }
            w.println(s.append(',').append(usage));
          }
        }
      }
    }
    return file;
  }

  /** The same kind of data as PNG files: {@code root/<split>/<class>/<n>.png}. */
  static Path writeFolders(Path root, int perClassTrain, int perClassTest, long seed) throws IOException {
    Random random = new Random(seed);
    for (String split : new String[] {"Training", "PublicTest"}) {
      int n = split.equals("Training") ? perClassTrain : perClassTest;
      for (int c = 0; c < FER_LABELS.length; c++) {
        Path dir = Files.createDirectories(root.resolve(split).resolve(CLASSES.get(c)));
        for (int i = 0; i < n; i++) {
          byte[] p = pattern(FER_LABELS[c], random);
          BufferedImage image = new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_BYTE_GRAY);
          image.getRaster().setDataElements(0, 0, SIDE, SIDE, p);
          ImageIO.write(image, "png", dir.resolve(i + ".png").toFile());
        }
      }
    }
    return root;
  }
}
