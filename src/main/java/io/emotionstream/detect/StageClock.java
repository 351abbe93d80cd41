package io.emotionstream.detect;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Time and counts per named stage of a detector, summed over frames from any thread: what
 * {@code bench detect --stages} prints to show where a frame's time goes (per-call costs show as
 * a stage's time divided by its calls).
 */
public final class StageClock {

  private final Map<String, LongAdder> nanos = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

  void add(String stage, long elapsedNanos) {
    nanos.computeIfAbsent(stage, k -> new LongAdder()).add(elapsedNanos);
  }

  void count(String what, long n) {
    counts.computeIfAbsent(what, k -> new LongAdder()).add(n);
  }

  /** Milliseconds per frame of each stage over {@code frames} frames, and counts per frame. */
  public Map<String, Double> perFrame(int frames) {
    Map<String, Double> out = new TreeMap<>();
    nanos.forEach((k, v) -> out.put(k + " (ms)", Math.round(v.sum() / 1e5 / frames) / 10.0));
    counts.forEach((k, v) -> out.put(k, Math.round(10.0 * v.sum() / frames) / 10.0));
    return out;
  }
}
