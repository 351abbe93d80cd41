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
 * when a fingerprint is not known, at most once per {@code minRefresh} (so a stream of records with
 * an unknown fingerprint does not reread the topic for each).
 */
final class SchemaTopicStore implements SchemaStore {

  private static final Logger LOG = LoggerFactory.getLogger(SchemaTopicStore.class);

  private final SchemaStore local;
  private final SchemaTopic topic;
  private final long minRefreshNanos;
  private final Map<Long, Schema> remote = new ConcurrentHashMap<>();
  private long lastRefresh;
  private boolean refreshed;

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
    if (schema == null && refresh()) {
      schema = remote.get(fingerprint);
    }
    return schema;
  }

  private synchronized boolean refresh() {
    long now = System.nanoTime();
    if (refreshed && now - lastRefresh < minRefreshNanos) {
      return false;
    }
    refreshed = true;
    lastRefresh = now;
    try {
      for (Schema s : topic.readAll().values()) {
        remote.putIfAbsent(SchemaNormalization.parsingFingerprint64(s), s);
      }
      return true;
    } catch (RuntimeException e) {
      LOG.warn("cannot read the schemas topic {}: {}", topic.name(), e.toString());
      return false;
    }
  }

  /** Where unknown schemas are looked up, for messages. */
  String topicName() {
    return topic.name();
  }
}
