package io.emotionstream.ingest;

import io.emotionstream.schema.CameraFrame;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One camera's way to Kafka: at most {@code inFlight} frames handed to the producer and not yet
 * acknowledged, and behind them a buffer of at most {@code capacity} frames. While the broker is
 * unreachable the buffer fills and then the oldest waiting frame gives way to the newest (counted
 * as dropped): the camera keeps being read, memory stays bounded, and what reaches Kafka when it
 * is back is the newest the camera had. Used by the camera's sender thread only; acknowledgements
 * arrive on the producer's thread and wake the sender through {@code wake}.
 */
final class SendQueue {

  /** Hands a frame to Kafka; calls {@code done} with null or the failure when Kafka answered. */
  interface Sink {
    void send(CameraFrame frame, Consumer<Exception> done);
  }

  private final Sink sink;
  private final int capacity;
  private final int maxInFlight;
  private final CameraCounters counters;
  private final Runnable wake;
  private final Consumer<String> failure;
  private final Deque<CameraFrame> waiting = new ArrayDeque<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile long lastAckMillis = System.currentTimeMillis();
  private volatile int waitingCount;

  /**
   * @param wake called on the producer's thread after each acknowledgement
   * @param failure told about each frame Kafka refused (the reason, without secrets)
   */
  SendQueue(Sink sink, int capacity, int maxInFlight, CameraCounters counters, Runnable wake, Consumer<String> failure) {
    this.sink = sink;
    this.capacity = capacity;
    this.maxInFlight = maxInFlight;
    this.counters = counters;
    this.wake = wake;
    this.failure = failure;
  }

  /** Queues a frame (making room by dropping the oldest waiting one) and sends what it can. */
  void offer(CameraFrame frame) {
    if (waiting.size() >= capacity) {
      waiting.pollFirst();
      counters.frameDropped(CameraCounters.DropReason.SEND_BUFFER_FULL);
    }
    waiting.addLast(frame);
    drain();
    waitingCount = waiting.size();
  }

  /** Hands waiting frames to Kafka while fewer than {@code inFlight} are unacknowledged. */
  void drain() {
    while (!waiting.isEmpty() && inFlight.get() < maxInFlight) {
      CameraFrame frame = waiting.pollFirst();
      int bytes = frame.getImage().remaining();
      inFlight.incrementAndGet();
      try {
        sink.send(frame, e -> acknowledged(bytes, e));
      } catch (RuntimeException e) {
        inFlight.decrementAndGet();
        counters.frameDropped(CameraCounters.DropReason.SEND_FAILED);
        failure.accept("Kafka: " + Redaction.describe(e));
      }
    }
    waitingCount = waiting.size();
  }

  private void acknowledged(int bytes, Exception e) {
    inFlight.decrementAndGet();
    if (e == null) {
      lastAckMillis = System.currentTimeMillis();
      counters.frameSent(bytes);
    } else {
      counters.frameDropped(CameraCounters.DropReason.SEND_FAILED);
      failure.accept("Kafka: " + Redaction.describe(e));
    }
    wake.run();
  }

  /** Frames waiting or unacknowledged (safe from any thread). */
  int pending() {
    return waitingCount + inFlight.get();
  }

  /** Unacknowledged frames (safe from any thread). */
  int inFlight() {
    return inFlight.get();
  }

  /** When Kafka last acknowledged a frame of this camera. */
  long lastAckMillis() {
    return lastAckMillis;
  }

  /** Frames still waiting when the camera stops: dropped. */
  void discard() {
    for (int i = waiting.size(); i > 0; i--) {
      counters.frameDropped(CameraCounters.DropReason.SEND_FAILED);
    }
    waiting.clear();
    waitingCount = 0;
  }
}
