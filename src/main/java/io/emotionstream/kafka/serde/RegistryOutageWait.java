package io.emotionstream.kafka.serde;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registry trouble is back-pressure, not bad data: a call the registry cannot serve (unreachable,
 * 5xx, {@link SchemaRegistryClient.RegistryException#unavailable()}) is tried again, with a pause
 * of 0.2 s doubling to 5 s, for as long as {@code schema.registry.outage-wait-ms}; the caller (a
 * stream thread reading a frame whose schema id it has not fetched yet) waits meanwhile, and its
 * record is neither dead-lettered nor skipped. Kafka Streams cannot give a record back for later,
 * so the thread that meets it waits; the other threads go on with their partitions until they meet
 * one too. A wait ends when the registry answers, when the budget is spent (the error then goes up:
 * the processor replaces the stream thread, which reads the record again), or at shutdown.
 *
 * <p>The budget stays below Kafka's {@code max.poll.interval.ms} (5 min), after which the group
 * would take the partitions of a thread that does not poll.
 */
public final class RegistryOutageWait {

  private static final Logger LOG = LoggerFactory.getLogger(RegistryOutageWait.class);
  private static final long FIRST_PAUSE_MS = 200;
  private static final long LONGEST_PAUSE_MS = 5_000;
  private static final long LOG_EVERY_MS = 30_000;

  private final Duration budget;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicLong waiting = new AtomicLong();
  private final AtomicLong waits = new AtomicLong();

  /** @param budget how long one call waits for the registry at most ({@code schema.registry.outage-wait-ms}) */
  public RegistryOutageWait(Duration budget) {
    if (budget.isNegative()) {
      throw new IllegalArgumentException("schema.registry.outage-wait-ms must not be negative: " + budget.toMillis());
    }
    this.budget = budget;
  }

  /** No waiting: every failure goes up at once. */
  public static RegistryOutageWait none() {
    return new RegistryOutageWait(Duration.ZERO);
  }

  /**
   * The result of {@code call}, tried again while the registry is unavailable.
   *
   * @param what names the call and what waits for it, for the log
   * @throws SchemaRegistryClient.RegistryException an answer about the request (404: unknown id), or
   *     the last failure once the budget is spent or the serdes are closed
   */
  public <T> T call(String what, Supplier<T> call) {
    long start = System.nanoTime();
    long pause = FIRST_PAUSE_MS;
    long lastLog = 0;
    boolean counted = false;
    try {
      while (true) {
        try {
          T result = call.get();
          if (counted) {
            LOG.info("schema registry answers again: {} after {} s of waiting", what,
                (System.nanoTime() - start) / 1_000_000_000);
          }
          return result;
        } catch (SchemaRegistryClient.RegistryException e) {
          long waited = (System.nanoTime() - start) / 1_000_000;
          if (!e.unavailable() || closed.get() || Thread.currentThread().isInterrupted() || waited >= budget.toMillis()) {
            if (e.unavailable() && counted) {
              LOG.error("schema registry still unavailable after {} s: giving up on {} ({})", waited / 1000, what,
                  e.getMessage());
            }
            throw e;
          }
          if (!counted) {
            counted = true;
            waiting.incrementAndGet();
            waits.incrementAndGet();
          }
          if (waited - lastLog >= LOG_EVERY_MS || lastLog == 0) {
            lastLog = Math.max(1, waited);
            LOG.warn("schema registry unavailable, {} waits (up to {} s; nothing is dead-lettered): {}", what,
                budget.toSeconds(), e.getMessage());
          }
          try {
            Thread.sleep(Math.min(pause, budget.toMillis() - waited));
          } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw e;
          }
          pause = Math.min(pause * 2, LONGEST_PAUSE_MS);
        }
      }
    } finally {
      if (counted) {
        waiting.decrementAndGet();
      }
    }
  }

  /** Callers waiting for the registry now. */
  public long waiting() {
    return waiting.get();
  }

  /** Calls that had to wait for the registry, since the start. */
  public long waits() {
    return waits.get();
  }

  /** Ends every wait (at shutdown): waiting callers get their last failure. */
  public void close() {
    closed.set(true);
  }
}
