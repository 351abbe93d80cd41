package io.emotionstream.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.config.Settings;
import io.emotionstream.kafka.serde.AvroSerdes;
import io.emotionstream.schema.ModelRelease;
import io.emotionstream.testing.ProcessorRun;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The group-less topic reader on a real broker: reads every partition from the beginning to the
 * end, skips and counts an undecodable record without losing the records after it, and from the
 * end sees only what arrives later.
 */
class TopicReaderIT {

  private static final String TOPIC = "reader-test";

  private static ModelRelease release(String name, String version) {
    return ModelRelease.newBuilder().setModelName(name).setVersion(version).setArtifactUri("file:/models/" + version)
        .setChecksum("00").setLabels(List.of("happy", "sad")).setCreatedTime(Instant.ofEpochMilli(0)).build();
  }

  private static void send(Settings settings, ModelRelease release) throws Exception {
    try (KafkaProducer<String, ModelRelease> producer = new KafkaProducer<>(settings.kafkaClientConfig(),
        new StringSerializer(), AvroSerdes.from(settings).serde(ModelRelease.class).serializer())) {
      producer.send(new ProducerRecord<>(TOPIC, release.getModelName(), release)).get();
    }
  }

  @Test
  void readsEveryPartitionToTheEndSkippingAndCountingAnUndecodableRecord() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      Settings settings = Settings.defaults().with(Map.of("bootstrap.servers", kafka.bootstrapServers()), "test");
      TopicCreator.ensure(settings, List.of(new NewTopic(TOPIC, 2, (short) 1)));
      send(settings, release("a", "1"));
      ProcessorRun.sendRaw(settings, TOPIC, "a", "not avro".getBytes(StandardCharsets.UTF_8));
      send(settings, release("a", "2"));
      send(settings, release("b", "1"));

      AtomicLong heard = new AtomicLong();
      try (TopicReader<ModelRelease> reader = new TopicReader<>(settings, TOPIC,
          AvroSerdes.from(settings).serde(ModelRelease.class).deserializer(), TopicReader.Start.BEGINNING)) {
        reader.onUndecodable(e -> heard.incrementAndGet());
        List<String> read = new ArrayList<>();
        for (ConsumerRecord<String, ModelRelease> r : reader.readToEnd()) {
          read.add(r.key() + " " + r.value().getVersion());
        }
        assertEquals(3, read.size(), read.toString());
        assertTrue(read.containsAll(List.of("a 1", "a 2", "b 1")), read.toString());
        assertTrue(read.indexOf("a 1") < read.indexOf("a 2"), "a partition's order is kept: " + read);
        assertEquals(1, reader.skipped());
        assertEquals(1, heard.get());
      }

      try (TopicReader<ModelRelease> tail = new TopicReader<>(settings, TOPIC,
          AvroSerdes.from(settings).serde(ModelRelease.class).deserializer(), TopicReader.Start.END)) {
        assertTrue(tail.poll(Duration.ofMillis(500)).isEmpty(), "nothing before the start is read from the end");
        send(settings, release("c", "1"));
        List<String> later = new ArrayList<>();
        ProcessorRun.await("the later record", () -> {
          tail.poll(Duration.ofMillis(200)).forEach(r -> later.add(r.key()));
          return !later.isEmpty();
        }, Duration.ofSeconds(30));
        assertEquals(List.of("c"), later);
        assertEquals(0, tail.skipped());
      }
    }
  }

  @Test
  void aMissingTopicIsNamed() {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      Settings settings = Settings.defaults().with(Map.of("bootstrap.servers", kafka.bootstrapServers(),
          "kafka.allow.auto.create.topics", "false"), "test");
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> new TopicReader<>(settings,
          "no-such-topic", AvroSerdes.from(settings).serde(ModelRelease.class).deserializer(), TopicReader.Start.END));
      assertTrue(e.getMessage().contains("no-such-topic"), e.getMessage());
    }
  }
}
