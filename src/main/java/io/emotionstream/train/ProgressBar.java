package io.emotionstream.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar with rate and ETA, redrawn in place ({@code \r}) on a terminal at most
 * four times a second; when stderr is not a terminal (a log file) it prints a plain line every
 * ten seconds instead so the log stays readable.
 */
public final class ProgressBar {

  private static final int WIDTH = 30;

  private final PrintStream out;
  private final String label;
  private final long total;
  private final boolean terminal;
  private final long startNanos = System.nanoTime();
  private long lastDraw;

  public ProgressBar(PrintStream out, String label, long total) {
    this(out, label, total, System.console() != null);
  }

  ProgressBar(PrintStream out, String label, long total, boolean terminal) {
    this.out = out;
    this.label = label;
    this.total = Math.max(1, total);
    this.terminal = terminal;
  }

  /**
   * @param done units done so far (images)
   * @param status extra text, e.g. the running loss
   */
  public void update(long done, String status) {
    long now = System.nanoTime();
    long interval = terminal ? 250_000_000L : 10_000_000_000L;
    if (now - lastDraw < interval && done < total) {
      return;
    }
    lastDraw = now;
    double elapsed = (now - startNanos) / 1e9;
    double rate = elapsed > 0 ? done / elapsed : 0;
    double eta = rate > 0 ? (total - done) / rate : 0;
    int filled = (int) (WIDTH * Math.min(1.0, (double) done / total));
    String bar = "=".repeat(filled) + (filled < WIDTH ? ">" + " ".repeat(WIDTH - filled - 1) : "");
    String text = String.format(Locale.ROOT, "%s [%s] %d/%d %.0f img/s ETA %s %s", label, bar, done, total, rate,
        duration(eta), status);
    if (terminal) {
      out.print("\r" + text + "   ");
    } else {
      out.println(text);
    }
    out.flush();
  }

  /** Ends the line (terminal) so the next output starts on its own. */
  public void finish() {
    if (terminal) {
      out.print("\r" + " ".repeat(100) + "\r");
      out.flush();
    }
  }

  static String duration(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60)
        : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
  }
}
