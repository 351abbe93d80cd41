package io.emotionstream.testing;

import io.emotionstream.config.Settings;
import io.emotionstream.schema.FaceEmotion;
import io.emotionstream.stream.EventReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Helpers for integration tests that drive a processor through a real broker. */
public final class ProcessorRun {

  private ProcessorRun() {}

  /** A new temporary Kafka Streams state directory ({@code stream.state-dir}) for one test instance. */
  public static String freshStateDir() {
    try {
      return Files.createTempDirectory("emotion-stream-state").toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends raw bytes (e.g. garbage) to a topic, keyed by {@code key}. */
  public static void sendRaw(Settings settings, String topic, String key, byte[] value) throws Exception {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.string("bootstrap.servers"));
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value)).get();
    }
  }

  /** Waits until {@code condition} holds; fails the test when it does not within {@code timeout}. */
  public static void await(String what, BooleanSupplier condition, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      Thread.sleep(100);
    }
  }

  /**
   * Reads the events topic from the beginning until at least {@code expected} events arrived, then
   * a little longer, so that duplicates would show.
   */
  public static List<FaceEmotion> readEvents(Settings settings, long expected, Duration timeout) {
    List<FaceEmotion> events = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    try (EventReader reader = new EventReader(settings, true)) {
      while (events.size() < expected && System.nanoTime() < deadline) {
        reader.poll(Duration.ofMillis(200)).forEach(r -> events.add(r.value()));
      }
      reader.poll(Duration.ofMillis(500)).forEach(r -> events.add(r.value()));
    }
    return events;
  }

  /** Every record of a topic, raw, from the beginning, waiting up to {@code timeout} for {@code expected} of them. */
  public static List<ConsumerRecord<byte[], byte[]>> readRaw(Settings settings, String topic, int expected,
      Duration timeout) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.string("bootstrap.servers"));
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (out.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }

  public static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    var h = record.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
