package io.emotionstream.stream;

import io.emotionstream.config.Settings;
import io.emotionstream.kafka.TopicReader;
import io.emotionstream.kafka.serde.AvroSerdes;
import io.emotionstream.schema.FaceEmotion;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads face events from every partition of the events topic without joining a consumer group
 * (so it never disturbs dashboards' groups). An undecodable event is reported and skipped. Reads
 * committed events only unless {@code events.isolation-level} is {@code read_uncommitted}: behind an
 * {@code exactly_once_v2} processor, uncommitted reads show the events of aborted transactions.
 */
public final class EventReader implements AutoCloseable {

  private final TopicReader<FaceEmotion> reader;

  public EventReader(Settings settings, boolean fromBeginning) {
    Settings reading = settings.with(
        Map.of("kafka.isolation.level", settings.string("events.isolation-level")), "events.isolation-level");
    this.reader = new TopicReader<>(reading, settings.string("topic.events"),
        AvroSerdes.from(settings).serde(FaceEmotion.class).deserializer(),
        fromBeginning ? TopicReader.Start.BEGINNING : TopicReader.Start.END);
  }

  public List<ConsumerRecord<String, FaceEmotion>> poll(Duration timeout) {
    return reader.poll(timeout);
  }

  public String topic() {
    return reader.topic();
  }

  @Override
  public void close() {
    reader.close();
  }
}
