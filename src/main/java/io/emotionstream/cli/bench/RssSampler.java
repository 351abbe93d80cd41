package io.emotionstream.cli.bench;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Resident memory ({@link ResourceProbe#rssKib}) every 200 ms while it runs: the first, last and
 * largest value, and one sample every 10 s.
 */
public final class RssSampler implements AutoCloseable {

  private final List<Long> samples = new CopyOnWriteArrayList<>();
  private volatile long first;
  private volatile long last;
  private volatile long max;
  private Thread thread;

  /** Starts sampling. */
  public RssSampler start() {
    first = ResourceProbe.rssKib();
    last = first;
    max = first;
    thread = new Thread(() -> {
      for (long n = 0; !Thread.currentThread().isInterrupted(); n++) {
        long v = ResourceProbe.rssKib();
        last = v;
        max = Math.max(max, v);
        if (n % 50 == 0) {
          samples.add(v);
        }
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "bench-rss");
    thread.setDaemon(true);
    thread.start();
    return this;
  }

  /** Stops sampling, with one last sample; safe to call twice. */
  public void stop() {
    if (thread != null) {
      thread.interrupt();
      thread = null;
      last = ResourceProbe.rssKib();
      max = Math.max(max, last);
    }
  }

  /**
   * What was sampled, KiB.
   *
   * @param every10s one sample every 10 s
   */
  public record Figures(long first, long last, long max, List<Long> every10s) {}

  /** The figures so far (after {@link #stop()}: of the whole run). */
  public Figures figures() {
    return new Figures(first, last, max, List.copyOf(samples));
  }

  @Override
  public void close() {
    stop();
  }
}
