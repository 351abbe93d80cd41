package io.emotionstream.stream;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counters of one processor instance, shared by its stream threads and error handlers. */
public final class FrameStats {

  private final LongAdder framesProcessed = new LongAdder();
  private final LongAdder framesWithoutFaces = new LongAdder();
  private final LongAdder faces = new LongAdder();
  private final Map<RejectReason, LongAdder> deadLettered = new ConcurrentHashMap<>();

  void recordFrame(int faceCount) {
    framesProcessed.increment();
    faces.add(faceCount);
    if (faceCount == 0) {
      framesWithoutFaces.increment();
    }
  }

  void recordDeadLetter(RejectReason reason) {
    deadLettered.computeIfAbsent(reason, r -> new LongAdder()).increment();
  }

  /** Frames that produced their events (possibly none). */
  public long framesProcessed() {
    return framesProcessed.sum();
  }

  public long framesWithoutFaces() {
    return framesWithoutFaces.sum();
  }

  /** Face events emitted. */
  public long faces() {
    return faces.sum();
  }

  /** Records sent to the dead-letter topic, all reasons. */
  public long deadLettered() {
    return deadLettered.values().stream().mapToLong(LongAdder::sum).sum();
  }

  public long deadLettered(RejectReason reason) {
    LongAdder n = deadLettered.get(reason);
    return n == null ? 0 : n.sum();
  }

  /** Dead-lettered counts by reason code. */
  public Map<String, Long> deadLetteredByReason() {
    Map<String, Long> out = new TreeMap<>();
    deadLettered.forEach((r, n) -> out.put(r.code(), n.sum()));
    return out;
  }

  @Override
  public String toString() {
    return "frames processed=" + framesProcessed() + " (without faces=" + framesWithoutFaces() + "), faces="
        + faces() + ", dead-lettered=" + deadLetteredByReason();
  }
}
