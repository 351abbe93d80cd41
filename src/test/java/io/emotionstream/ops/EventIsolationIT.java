package io.emotionstream.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.emotionstream.config.Settings;
import io.emotionstream.kafka.EmbeddedKafka;
import io.emotionstream.kafka.TopicCreator;
import io.emotionstream.kafka.Topics;
import io.emotionstream.kafka.serde.AvroSerdes;
import io.emotionstream.schema.FaceEmotion;
import io.emotionstream.stream.EventReader;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Readers of the events topic (tail, the dashboard feed) under exactly-once: a transactional
 * producer writes an event and aborts, then writes another and commits; only the committed one is
 * read, unless events.isolation-level asks for uncommitted reads.
 */
class EventIsolationIT {

  @Test
  void readersSeeOnlyCommittedEvents() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      Settings settings = Settings.defaults().with(Map.of("bootstrap.servers", kafka.bootstrapServers(),
          "topics.partitions", "1"), "test");
      TopicCreator.ensure(settings, Topics.from(settings));
      Map<String, Object> config = settings.kafkaClientConfig();
      config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "isolation-test");
      String topic = settings.string("topic.events");
      try (KafkaProducer<String, FaceEmotion> producer = new KafkaProducer<>(config, new StringSerializer(),
          AvroSerdes.from(settings).serde(FaceEmotion.class).serializer())) {
        producer.initTransactions();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>(topic, "cam", TestEvents.event("cam", 1, "sad", Instant.now()))).get();
        producer.abortTransaction();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>(topic, "cam", TestEvents.event("cam", 2, "happy", Instant.now())));
        producer.commitTransaction();
      }
      assertEquals(List.of(2L), frames(settings));
      assertEquals(List.of(1L, 2L), frames(settings.with(Map.of("events.isolation-level", "read_uncommitted"), "test")));
    }
  }

  private static List<Long> frames(Settings settings) {
    List<Long> frames = new ArrayList<>();
    try (EventReader reader = new EventReader(settings, true)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (System.nanoTime() < deadline) {
        reader.poll(Duration.ofMillis(200)).forEach(r -> frames.add(r.value().getFrameSequence()));
      }
    }
    return frames;
  }
}
