package io.emotionstream.audit;

import io.emotionstream.config.Settings;
import io.emotionstream.kafka.TopicCreator;
import io.emotionstream.kafka.serde.AvroSerdes;
import io.emotionstream.schema.AuditRecord;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes {@link AuditRecord}s to the audit topic ({@code topic.audit}), creating it when missing
 * (one partition, deleted by age only: {@code retention.audit-ms}). Each write waits for the
 * broker's acknowledgement from all in-sync replicas, so that a change reported as audited is on
 * the topic.
 */
public final class AuditTrail implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AuditTrail.class);
  private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);

  private final String topic;
  private final String application;
  private final String source;
  private final KafkaProducer<String, AuditRecord> producer;
  private final Clock clock;

  private AuditTrail(Settings settings, String source, Clock clock) {
    this.topic = settings.string("topic.audit");
    this.application = settings.string("application.id");
    this.source = source;
    this.clock = clock;
    Map<String, Object> config = settings.kafkaClientConfig();
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    // a write that cannot reach a broker fails within the minute instead of blocking a shutdown
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 25_000);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    AvroSerdes serdes = AvroSerdes.from(settings);
    // its schema is declared like every writer's (registry subject or schemas topic), so that a
    // reader of another version can resolve it
    serdes.declareWriters(Map.of(topic, AuditRecord.class));
    this.producer = new KafkaProducer<>(config, new StringSerializer(), serdes.serde(AuditRecord.class).serializer());
  }

  /**
   * Creates the audit topic when it is missing and opens a writer.
   *
   * @param source who makes the changes this trail records ({@link AuditSource})
   */
  public static AuditTrail open(Settings settings, String source) {
    TopicCreator.ensureAudit(settings);
    return new AuditTrail(settings, source, Clock.systemUTC());
  }

  public String source() {
    return source;
  }

  public String topic() {
    return topic;
  }

  /**
   * Writes one record and waits for the broker.
   *
   * @param subject the camera id or model name, or null for the instance itself
   * @throws AuditException naming the action and subject when the record cannot be written
   */
  public AuditRecord record(String action, String subject, String detail, String before, String after) {
    return record(action, subject, detail, before, after, WRITE_TIMEOUT);
  }

  /** As {@link #record(String, String, String, String, String)}, waiting at most {@code timeout}. */
  public AuditRecord record(String action, String subject, String detail, String before, String after,
      Duration timeout) {
    AuditRecord record = AuditRecord.newBuilder().setTime(clock.instant()).setAction(action).setSource(source)
        .setSubject(subject).setDetail(detail).setBefore(before).setAfter(after).setApplication(application).build();
    try {
      producer.send(new ProducerRecord<>(topic, subject == null ? application : subject, record))
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      LOG.info("audited {} {}: {}", action, subject == null ? application : subject, detail);
      return record;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AuditException("interrupted while auditing " + action + " of " + subject + " on " + topic, e);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new AuditException("cannot write the audit record " + action + " of " + (subject == null ? application
          : subject) + " to topic " + topic + ": " + cause, cause);
    }
  }

  /** As {@link #record}, logging instead of throwing: for changes that take effect whether or not they are audited. */
  public boolean recordOrLog(String action, String subject, String detail, String before, String after) {
    return recordOrLog(action, subject, detail, before, after, WRITE_TIMEOUT);
  }

  /** As {@link #recordOrLog(String, String, String, String, String)}, waiting at most {@code timeout}. */
  public boolean recordOrLog(String action, String subject, String detail, String before, String after,
      Duration timeout) {
    try {
      record(action, subject, detail, before, after, timeout);
      return true;
    } catch (AuditException e) {
      LOG.error("{}; the change took effect: {}", e.getMessage(), detail);
      return false;
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
