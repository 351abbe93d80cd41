package io.emotionstream.kafka.serde;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.SchemaStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer schemas a single-object decoder can find: the ones this build knows
 * ({@link SchemaHistory}), then those on the schemas topic ({@link SchemaTopic}), which is read again
 * when a fingerprint is not known; for a fingerprint it did not hold, at most once per
 * {@code minRefresh} (so a stream of records with the same unknown fingerprint does not reread the
 * topic for each).
 */
final class SchemaTopicStore implements SchemaStore {

  private static final Logger LOG = LoggerFactory.getLogger(SchemaTopicStore.class);

  private final SchemaStore local;
  private final SchemaTopic topic;
  private final long minRefreshNanos;
  private final Map<Long, Schema> remote = new ConcurrentHashMap<>();
  /** Fingerprints the topic did not have, and when that was found. */
  private final Map<Long, Long> missed = new java.util.HashMap<>();

  SchemaTopicStore(SchemaStore local, SchemaTopic topic, Duration minRefresh) {
    this.local = local;
    this.topic = topic;
    this.minRefreshNanos = minRefresh.toNanos();
  }

  @Override
  public Schema findByFingerprint(long fingerprint) {
    Schema schema = local.findByFingerprint(fingerprint);
    if (schema == null) {
      schema = remote.get(fingerprint);
    }
    if (schema == null && refresh(fingerprint)) {
      schema = remote.get(fingerprint);
    }
    return schema;
  }

  /**
   * Rereads the topic for a fingerprint not known: always for one not looked up before (a writer
   * publishes its schema just before its first record), again for the same one only after
   * {@code minRefresh}.
   */
  private synchronized boolean refresh(long fingerprint) {
    long now = System.nanoTime();
    Long missedAt = missed.get(fingerprint);
    if (missedAt != null && now - missedAt < minRefreshNanos) {
      return false;
    }
    try {
      for (Schema s : topic.readAll().values()) {
        remote.putIfAbsent(SchemaNormalization.parsingFingerprint64(s), s);
      }
      if (!remote.containsKey(fingerprint)) {
        if (missed.size() > 10_000) {
          missed.clear();
        }
        missed.put(fingerprint, now);
      }
      return true;
    } catch (RuntimeException e) {
      LOG.warn("cannot read the schemas topic {}: {}", topic.name(), e.toString());
      missed.put(fingerprint, now);
      return false;
    }
  }
}
