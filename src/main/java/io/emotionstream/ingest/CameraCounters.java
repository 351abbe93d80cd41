package io.emotionstream.ingest;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * What happened to one camera's frames since it was listed: read from the source, skipped (a
 * newer one came before the sender took it), sent (acknowledged by Kafka), dropped (by reason),
 * reconnects, bytes. Frames read = skipped + sent + dropped + the few on their way.
 */
final class CameraCounters {

  /** Why a frame taken for sending did not reach Kafka. */
  enum DropReason {
    /** The camera's send buffer was full (Kafka slow or unreachable): the oldest waiting frame gave way. */
    SEND_BUFFER_FULL,
    /** Kafka refused the frame or did not acknowledge it in time. */
    SEND_FAILED,
    /** Larger than {@code frame.max-bytes} even after scaling down. */
    TOO_LARGE,
    /** Not a complete JPEG (e.g. cut off when the connection broke), or not decodable. */
    BROKEN_IMAGE;

    String label() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }

  private final AtomicLong read = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong bytesSent = new AtomicLong();
  private final AtomicLong reencoded = new AtomicLong();
  private final AtomicLong reconnects = new AtomicLong();
  private final Map<DropReason, AtomicLong> dropped = new EnumMap<>(DropReason.class);
  private final LongSupplier clockMillis;
  private volatile long lastReadMillis = -1;
  private final SlidingRate bytesRate;
  private final SlidingRate framesRate;

  CameraCounters(LongSupplier clockMillis) {
    this.clockMillis = clockMillis;
    for (DropReason r : DropReason.values()) {
      dropped.put(r, new AtomicLong());
    }
    bytesRate = new SlidingRate(10, clockMillis);
    framesRate = new SlidingRate(10, clockMillis);
  }

  void frameRead() {
    read.incrementAndGet();
    lastReadMillis = clockMillis.getAsLong();
  }

  void addSkipped(long n) {
    skipped.addAndGet(n);
  }

  void frameSent(int bytes) {
    sent.incrementAndGet();
    bytesSent.addAndGet(bytes);
    bytesRate.add(bytes);
    framesRate.add(1);
  }

  void frameReencoded() {
    reencoded.incrementAndGet();
  }

  void frameDropped(DropReason reason) {
    dropped.get(reason).incrementAndGet();
  }

  void reconnect() {
    reconnects.incrementAndGet();
  }

  long read() {
    return read.get();
  }

  long skipped() {
    return skipped.get();
  }

  long sent() {
    return sent.get();
  }

  long bytesSent() {
    return bytesSent.get();
  }

  long reencodedCount() {
    return reencoded.get();
  }

  long reconnects() {
    return reconnects.get();
  }

  long dropped(DropReason reason) {
    return dropped.get(reason).get();
  }

  /** Seconds since the last frame was read, or NaN before the first. */
  double lastFrameAgeSeconds() {
    long last = lastReadMillis;
    return last < 0 ? Double.NaN : (clockMillis.getAsLong() - last) / 1000.0;
  }

  /** Bytes sent per second over the last 10 s. */
  double bytesPerSecond() {
    return bytesRate.perSecond();
  }

  /** Frames sent per second over the last 10 s. */
  double framesPerSecond() {
    return framesRate.perSecond();
  }
}
