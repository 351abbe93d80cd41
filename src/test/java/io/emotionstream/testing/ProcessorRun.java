package io.emotionstream.testing;

import io.emotionstream.config.Settings;
import io.emotionstream.kafka.TopicReader;
import io.emotionstream.schema.FaceEmotion;
import io.emotionstream.stream.EventReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
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

  /** A port free now, for a server whose port must be named ({@code ops.port=0} turns the operations server off). */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
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

  /**
   * The committed records of a topic, values raw, from the beginning: waits up to {@code timeout}
   * for {@code expected} of them, then reads a second longer, so that duplicates would show.
   */
  public static List<ConsumerRecord<String, byte[]>> readRaw(Settings settings, String topic, int expected,
      Duration timeout) {
    // room for the largest records the tests send (frames up to 20 MB, their dead letters)
    Settings reading = settings.with(Map.of("kafka.max.partition.fetch.bytes", Integer.toString(32 << 20),
        "kafka.fetch.max.bytes", Integer.toString(32 << 20)), "test");
    try (TopicReader<byte[]> reader = new TopicReader<>(reading, topic, new ByteArrayDeserializer(),
        TopicReader.Start.BEGINNING)) {
      List<ConsumerRecord<String, byte[]>> out = new ArrayList<>(reader.readAtLeast(expected, timeout));
      out.addAll(reader.readAtLeast(Integer.MAX_VALUE, Duration.ofSeconds(1)));
      return out;
    }
  }

  public static String header(ConsumerRecord<String, byte[]> record, String name) {
    var h = record.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
