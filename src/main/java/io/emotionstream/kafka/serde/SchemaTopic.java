package io.emotionstream.kafka.serde;

import io.emotionstream.config.Settings;
import io.emotionstream.kafka.TopicCreator;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schemas topic of the {@code embedded} wire format ({@code topic.schemas}, compacted): what a
 * schema registry is for the {@code registry} format, kept in Kafka itself. Every writer publishes
 * the schemas it writes (with their earlier versions) before it writes; a reader that meets a
 * fingerprint it does not know looks it up here, whatever its language.
 *
 * <p>Record key: the 8 fingerprint bytes exactly as they follow {@code C3 01} in a single-object
 * encoded record (CRC-64-AVRO of the schema's parsing canonical form, little-endian), as 16 lower-case
 * hex digits. Value: the schema's full JSON (with defaults and docs, which resolution needs), UTF-8.
 * Header {@code schema.name}: the record's full name.
 */
public final class SchemaTopic {

  /** Header carrying the schema's full name. */
  public static final String NAME_HEADER = "schema.name";

  private static final Logger LOG = LoggerFactory.getLogger(SchemaTopic.class);

  private final Settings settings;
  private final String topic;

  public SchemaTopic(Settings settings) {
    this.settings = settings;
    this.topic = settings.string("topic.schemas");
  }

  public String name() {
    return topic;
  }

  /** The record key of {@code schema}: its fingerprint bytes as they appear on the wire, in hex. */
  public static String key(Schema schema) {
    return key(SchemaNormalization.parsingFingerprint64(schema));
  }

  /** The record key of a fingerprint. */
  public static String key(long fingerprint) {
    return HexFormat.of().formatHex(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(fingerprint).array());
  }

  /** Creates the topic (compacted, one partition) when it is missing and {@code topics.create} is on. */
  public void ensure() {
    if (!settings.bool("topics.create")) {
      return;
    }
    NewTopic t = new NewTopic(topic, 1, (short) settings.integer("topics.replication-factor"))
        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
    TopicCreator.ensure(settings, List.of(t));
  }

  /**
   * Every schema on the topic, by key, in the order they were published (a key published again keeps
   * its first place); empty when the topic does not exist. A value that is not a schema is logged
   * with its offset and skipped.
   */
  public Map<String, Schema> readAll() {
    Map<String, Object> config = settings.kafkaClientConfig();
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    config.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    Map<String, Schema> out = new LinkedHashMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<PartitionInfo> info = consumer.partitionsFor(topic, Duration.ofSeconds(30));
      if (info == null || info.isEmpty()) {
        return out;
      }
      List<TopicPartition> partitions = info.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("schemas topic " + topic + " could not be read to its end within 60 s");
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          add(out, r);
        }
      }
    }
    return out;
  }

  private void add(Map<String, Schema> out, ConsumerRecord<byte[], byte[]> r) {
    if (r.key() == null || r.value() == null) {
      return;
    }
    String key = new String(r.key(), StandardCharsets.UTF_8);
    try {
      Schema schema = new Schema.Parser().parse(new String(r.value(), StandardCharsets.UTF_8));
      if (!key(schema).equals(key)) {
        LOG.warn("schemas topic {} offset {}: key {} is not the fingerprint of the schema it holds ({}, {}); skipped",
            topic, r.offset(), key, schema.getFullName(), key(schema));
        return;
      }
      out.putIfAbsent(key, schema);
    } catch (RuntimeException e) {
      LOG.warn("schemas topic {} offset {}: key {} holds no valid Avro schema ({}); skipped", topic, r.offset(), key,
          e.getMessage());
    }
  }

  /** Writes each schema (keyed by its fingerprint) and waits for the broker's acknowledgement. */
  public void publish(Collection<Schema> schemas) {
    if (schemas.isEmpty()) {
      return;
    }
    Map<String, Object> config = settings.kafkaClientConfig();
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
      for (Schema schema : schemas) {
        ProducerRecord<String, String> record = new ProducerRecord<>(topic, key(schema), schema.toString());
        record.headers().add(new RecordHeader(NAME_HEADER, schema.getFullName().getBytes(StandardCharsets.UTF_8)));
        producer.send(record).get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while publishing schemas to " + topic, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot publish schemas to the schemas topic " + topic + ": "
          + e.getCause().getMessage(), e.getCause());
    }
  }
}
