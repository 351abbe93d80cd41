package io.emotionstream.train;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

/**
 * PNG plots drawn with Java2D (headless), so the report needs no charting dependency: the
 * training curves (loss and accuracy per epoch, training and validation) and the confusion matrix
 * (cells shaded by the share of their row, with the counts written in).
 */
public final class Charts {

  private static final Color TRAIN = new Color(0x1f77b4);
  private static final Color VALIDATION = new Color(0xd62728);
  private static final Color GRID = new Color(0xdddddd);

  static {
    System.setProperty("java.awt.headless", "true");
  }

  private Charts() {}

  /** Two panels side by side: loss (left) and accuracy (right), per epoch. */
  public static void writeCurves(List<EpochStats> history, Path file) throws IOException {
    int panelW = 480;
    int h = 360;
    BufferedImage image = new BufferedImage(panelW * 2, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas(image);
    panel(g, 0, panelW, h, "loss", history, EpochStats::trainLoss, EpochStats::valLoss, false);
    panel(g, panelW, panelW, h, "accuracy", history, EpochStats::trainAccuracy, EpochStats::valAccuracy, true);
    g.dispose();
    ImageIO.write(image, "png", file.toFile());
  }

  private static void panel(Graphics2D g, int x0, int w, int h, String title, List<EpochStats> history,
      ToDoubleFunction<EpochStats> train, ToDoubleFunction<EpochStats> validation, boolean unitRange) {
    int left = x0 + 60;
    int right = x0 + w - 20;
    int top = 40;
    int bottom = h - 50;
    double min = unitRange ? 0 : Double.POSITIVE_INFINITY;
    double max = unitRange ? 1 : Double.NEGATIVE_INFINITY;
    if (!unitRange) {
      for (EpochStats e : history) {
        min = Math.min(min, Math.min(train.applyAsDouble(e), validation.applyAsDouble(e)));
        max = Math.max(max, Math.max(train.applyAsDouble(e), validation.applyAsDouble(e)));
      }
      min = Math.max(0, min - 0.05 * (max - min + 1e-9));
      max = max + 0.05 * (max - min + 1e-9);
    }
    int epochs = Math.max(1, history.size());
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
    g.drawString(title, left, top - 15);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    for (int i = 0; i <= 4; i++) {
      double v = min + (max - min) * i / 4;
      int y = bottom - (int) Math.round((bottom - top) * (double) i / 4);
      g.setColor(GRID);
      g.drawLine(left, y, right, y);
      g.setColor(Color.DARK_GRAY);
      g.drawString(String.format(Locale.ROOT, "%.2f", v), x0 + 10, y + 4);
    }
    g.setColor(Color.BLACK);
    g.drawRect(left, top, right - left, bottom - top);
    int labelStep = Math.max(1, epochs / 10);
    for (int e = 1; e <= epochs; e += labelStep) {
      int x = xOf(e, epochs, left, right);
      g.drawString(Integer.toString(e), x - 4, bottom + 15);
    }
    g.drawString("epoch", (left + right) / 2 - 15, bottom + 32);
    line(g, history, train, min, max, epochs, left, right, top, bottom, TRAIN);
    line(g, history, validation, min, max, epochs, left, right, top, bottom, VALIDATION);
    g.setColor(TRAIN);
    g.fillRect(right - 150, top + 8, 12, 4);
    g.drawString("train", right - 132, top + 14);
    g.setColor(VALIDATION);
    g.fillRect(right - 85, top + 8, 12, 4);
    g.drawString("validation", right - 67, top + 14);
  }

  private static void line(Graphics2D g, List<EpochStats> history, ToDoubleFunction<EpochStats> value, double min,
      double max, int epochs, int left, int right, int top, int bottom, Color colour) {
    g.setColor(colour);
    g.setStroke(new BasicStroke(2f));
    int prevX = -1;
    int prevY = -1;
    for (int i = 0; i < history.size(); i++) {
      int x = xOf(i + 1, epochs, left, right);
      double v = value.applyAsDouble(history.get(i));
      int y = bottom - (int) Math.round((bottom - top) * (v - min) / Math.max(1e-9, max - min));
      g.fillOval(x - 3, y - 3, 6, 6);
      if (prevX >= 0) {
        g.drawLine(prevX, prevY, x, y);
      }
      prevX = x;
      prevY = y;
    }
    g.setStroke(new BasicStroke(1f));
  }

  private static int xOf(int epoch, int epochs, int left, int right) {
    return epochs == 1 ? (left + right) / 2 : left + (int) Math.round((right - left) * (epoch - 1.0) / (epochs - 1));
  }

  /**
   * The confusion matrix as a heat map: rows true class, columns predicted class; each cell shows its
   * count and its share of the row (the recall of that class, on the diagonal), which sets the shade.
   */
  public static void writeConfusion(ConfusionMatrix matrix, Path file) throws IOException {
    List<String> labels = matrix.labels();
    int k = labels.size();
    int cell = Math.max(48, Math.min(80, 560 / Math.max(1, k)));
    int margin = 110;
    int size = margin + cell * k + 20;
    BufferedImage image = new BufferedImage(size, size + 20, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas(image);
    long[][] counts = matrix.counts();
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    FontMetrics fm = g.getFontMetrics();
    for (int r = 0; r < k; r++) {
      long rowTotal = matrix.support(r);
      for (int c = 0; c < k; c++) {
        double share = rowTotal == 0 ? 0 : (double) counts[r][c] / rowTotal;
        int shade = (int) Math.round(255 * (1 - share));
        g.setColor(new Color(shade, shade, 255));
        int x = margin + c * cell;
        int y = margin + r * cell;
        g.fillRect(x, y, cell, cell);
        g.setColor(Color.GRAY);
        g.drawRect(x, y, cell, cell);
        g.setColor(share > 0.5 ? Color.WHITE : Color.BLACK);
        String text = Long.toString(counts[r][c]);
        g.drawString(text, x + (cell - fm.stringWidth(text)) / 2, y + cell / 2 - 2);
        String percent = String.format(Locale.ROOT, "%.0f%%", 100 * share);
        g.drawString(percent, x + (cell - fm.stringWidth(percent)) / 2, y + cell / 2 + 13);
      }
      g.setColor(Color.BLACK);
      String label = labels.get(r);
      g.drawString(label, margin - 8 - fm.stringWidth(label), margin + r * cell + cell / 2 + 5);
    }
    for (int c = 0; c < k; c++) {
      Graphics2D rotated = (Graphics2D) g.create();
      rotated.translate(margin + c * cell + cell / 2 + 5, margin - 8);
      rotated.rotate(-Math.PI / 4);
      rotated.drawString(labels.get(c), 0, 0);
      rotated.dispose();
    }
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
    g.drawString(String.format(Locale.ROOT, "true (rows) vs predicted (columns), count and row share; accuracy %.3f, macro-F1 %.3f",
        matrix.accuracy(), matrix.macroF1()), 10, size + 10);
    g.dispose();
    ImageIO.write(image, "png", file.toFile());
  }

  private static Graphics2D canvas(BufferedImage image) {
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, image.getWidth(), image.getHeight());
    return g;
  }
}
