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

  public long firstKib() {
    return first;
  }

  public long lastKib() {
    return last;
  }

  public long maxKib() {
    return max;
  }

  /** One sample every 10 s, KiB. */
  public List<Long> every10sKib() {
    return List.copyOf(samples);
  }

  @Override
  public void close() {
    stop();
  }
}
