package io.emotionstream.kafka;

import io.emotionstream.config.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every partition of one topic without joining a consumer group (so it never disturbs the
 * groups of processors or dashboards, and commits nothing), from the beginning or from the end. A
 * record whose value cannot be decoded is logged, counted ({@link #skipped()}) and skipped; the
 * records after it are read. Reads only committed records ({@code isolation.level=read_committed},
 * which matters behind an {@code exactly_once_v2} processor) unless {@code kafka.isolation.level}
 * says otherwise.
 *
 * @param <V> the record values
 */
public final class TopicReader<V> implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TopicReader.class);

  /** Where reading starts. */
  public enum Start { BEGINNING, END }

  private final KafkaConsumer<String, V> consumer;
  private final String topic;
  private final List<TopicPartition> partitions;
  private Consumer<RecordDeserializationException> onUndecodable = e -> { };
  private long skipped;

  /**
   * @throws IllegalStateException when the topic does not exist
   */
  public TopicReader(Settings settings, String topic, Deserializer<V> values, Start start) {
    Map<String, Object> config = settings.kafkaClientConfig();
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    this.topic = topic;
    this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), values);
    try {
      this.partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      if (partitions.isEmpty()) {
        throw new IllegalStateException("topic " + topic + " does not exist");
      }
      consumer.assign(partitions);
      if (start == Start.BEGINNING) {
        consumer.seekToBeginning(partitions);
      } else {
        consumer.seekToEnd(partitions);
      }
    } catch (RuntimeException e) {
      consumer.close();
      throw e;
    }
  }

  /** Also tells {@code listener} about every skipped record (after it is logged and counted). */
  public TopicReader<V> onUndecodable(Consumer<RecordDeserializationException> listener) {
    this.onUndecodable = listener;
    return this;
  }

  /** The records that arrived within {@code timeout}; an undecodable record ends the batch early. */
  public List<ConsumerRecord<String, V>> poll(Duration timeout) {
    List<ConsumerRecord<String, V>> out = new ArrayList<>();
    try {
      consumer.poll(timeout).forEach(out::add);
    } catch (RecordDeserializationException e) {
      skipped++;
      LOG.warn("skipping undecodable record at {}@{} of topic {}: {}", e.topicPartition(), e.offset(), topic,
          e.getMessage());
      consumer.seek(e.topicPartition(), e.offset() + 1);
      onUndecodable.accept(e);
    }
    return out;
  }

  /** Every record up to the end of each partition as it is now. */
  public List<ConsumerRecord<String, V>> readToEnd() {
    return readToEnd(Long.MAX_VALUE);
  }

  /**
   * Every record up to the end of each partition as it is now (with {@code read_committed}: up to
   * the last stable offsets).
   *
   * @throws TimeoutException when the end is not reached within {@code timeout}
   */
  public List<ConsumerRecord<String, V>> readToEnd(Duration timeout) {
    return readToEnd(System.nanoTime() + timeout.toNanos());
  }

  private List<ConsumerRecord<String, V>> readToEnd(long deadlineNanos) {
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
    List<ConsumerRecord<String, V>> out = new ArrayList<>();
    while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
      if (deadlineNanos != Long.MAX_VALUE && System.nanoTime() - deadlineNanos > 0) {
        throw new TimeoutException("could not read " + topic + " up to " + end);
      }
      out.addAll(poll(Duration.ofMillis(200)));
    }
    return out;
  }

  /**
   * Polls until at least {@code count} records arrived or {@code timeout} passed, whichever is
   * first, and returns what arrived (fewer than {@code count} on a timeout).
   */
  public List<ConsumerRecord<String, V>> readAtLeast(int count, Duration timeout) {
    List<ConsumerRecord<String, V>> out = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (out.size() < count && System.nanoTime() - deadline < 0) {
      out.addAll(poll(Duration.ofMillis(200)));
    }
    return out;
  }

  /** Records skipped because their value could not be decoded. */
  public long skipped() {
    return skipped;
  }

  public String topic() {
    return topic;
  }

  @Override
  public void close() {
    consumer.close();
  }
}
