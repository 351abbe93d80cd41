package io.emotionstream.stream;

import io.emotionstream.config.Settings;
import io.emotionstream.kafka.serde.AvroSerdes;
import io.emotionstream.schema.FaceEmotion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads face events from every partition of the events topic without joining a consumer group
 * (so it never disturbs dashboards' groups). An undecodable event is reported and skipped.
 *
 * <p>It reads committed events only ({@code events.isolation-level}, default {@code read_committed}):
 * under {@code exactly_once_v2} the processor writes events in transactions, and the events of an
 * aborted transaction (a frame that will be processed again) must not reach a dashboard twice.
 */
public final class EventReader implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EventReader.class);

  private final KafkaConsumer<String, FaceEmotion> consumer;
  private final String topic;

  public EventReader(Settings settings, boolean fromBeginning) {
    Map<String, Object> config = settings.kafkaClientConfig();
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolationLevel(settings));
    this.topic = settings.string("topic.events");
    this.consumer = new KafkaConsumer<>(config, new StringDeserializer(),
        AvroSerdes.from(settings).serde(FaceEmotion.class).deserializer());
    List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
        .map(p -> new TopicPartition(topic, p.partition())).toList();
    if (partitions.isEmpty()) {
      throw new IllegalStateException("topic " + topic + " does not exist");
    }
    consumer.assign(partitions);
    if (fromBeginning) {
      consumer.seekToBeginning(partitions);
    } else {
      consumer.seekToEnd(partitions);
    }
  }

  /** {@code events.isolation-level}: {@code read_committed} (default) or {@code read_uncommitted}. */
  static String isolationLevel(Settings settings) {
    String level = settings.string("events.isolation-level", "read_committed").trim().toLowerCase(java.util.Locale.ROOT);
    if (!level.equals("read_committed") && !level.equals("read_uncommitted")) {
      throw new IllegalArgumentException("setting 'events.isolation-level' = '" + level + "' from "
          + settings.source("events.isolation-level") + " is not read_committed or read_uncommitted");
    }
    return level;
  }

  public List<ConsumerRecord<String, FaceEmotion>> poll(Duration timeout) {
    List<ConsumerRecord<String, FaceEmotion>> out = new ArrayList<>();
    try {
      consumer.poll(timeout).forEach(out::add);
    } catch (RecordDeserializationException e) {
      LOG.warn("skipping undecodable event at {}@{}: {}", e.topicPartition(), e.offset(), e.getMessage());
      consumer.seek(e.topicPartition(), e.offset() + 1);
    }
    return out;
  }

  public String topic() {
    return topic;
  }

  @Override
  public void close() {
    consumer.close();
  }
}
