package io.emotionstream.ingest;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The hand-over between a camera's reader and its sender: one slot holding the newest frame. The
 * reader puts every frame it has an image of; a frame replaced before the sender took it is
 * skipped (counted, closed), never queued. The sender says when it will want a frame
 * ({@link #want()}), so that a reader of a compressed stream converts only that one to pixels
 * (decoding every frame is unavoidable, converting each one is not).
 */
final class LatestFrame {

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final CameraCounters counters;
  private CapturedFrame newest;
  private boolean wanted;
  private boolean poked;

  LatestFrame(CameraCounters counters) {
    this.counters = counters;
  }

  /** Whether the sender waits for a frame (readers that convert frames convert only then). */
  boolean wanted() {
    lock.lock();
    try {
      return wanted;
    } finally {
      lock.unlock();
    }
  }

  /** The sender wants the next frame. */
  void want() {
    lock.lock();
    try {
      wanted = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** A frame read from the source: replaces (and skips) one not taken yet. */
  void put(CapturedFrame frame) {
    CapturedFrame replaced;
    lock.lock();
    try {
      replaced = newest;
      newest = frame;
      wanted = false;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    if (replaced != null) {
      counters.addSkipped(1);
      replaced.close();
    }
  }

  /** Wakes a waiting {@link #take} without a frame (e.g. Kafka acknowledged a frame). */
  void poke() {
    lock.lock();
    try {
      poked = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * The newest frame, waiting up to {@code timeoutMillis} for one; null when none came or
   * {@link #poke()} woke the caller.
   */
  CapturedFrame take(long timeoutMillis) throws InterruptedException {
    long nanos = TimeUnit.MILLISECONDS.toNanos(Math.max(0, timeoutMillis));
    lock.lock();
    try {
      while (newest == null && !poked && nanos > 0) {
        nanos = changed.awaitNanos(nanos);
      }
      poked = false;
      CapturedFrame out = newest;
      newest = null;
      return out;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Sleeps up to {@code nanos}, or until a frame arrives or {@link #poke()} is called (whichever
   * comes first); clears the poke.
   */
  void pause(long nanos) throws InterruptedException {
    lock.lock();
    try {
      if (!poked && nanos > 0) {
        changed.awaitNanos(nanos);
      }
      poked = false;
    } finally {
      lock.unlock();
    }
  }

  /** Waits up to {@code millis} for the sender to want a frame; whether it does. */
  boolean awaitWanted(long millis) throws InterruptedException {
    long nanos = TimeUnit.MILLISECONDS.toNanos(millis);
    lock.lock();
    try {
      while (!wanted && nanos > 0) {
        nanos = changed.awaitNanos(nanos);
      }
      return wanted;
    } finally {
      lock.unlock();
    }
  }

  /** Drops a frame not taken (the connection closed); it counts as skipped. */
  void clear() {
    put(null);
    lock.lock();
    try {
      wanted = false;
    } finally {
      lock.unlock();
    }
  }
}
