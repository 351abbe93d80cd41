package io.emotionstream.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.emotionstream.config.Settings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class StreamsPropertiesTest {

  /** What Kafka Streams hands its consumers, not just what we put in the properties. */
  @Test
  void staticMembershipGivesEveryStreamThreadItsOwnInstanceId() {
    Settings settings = Settings.load(null, Map.of("EMOTION_STREAM_GROUP_INSTANCE_ID", "processor-7d9f-abcde"),
        java.util.List.of());
    StreamsConfig config = new StreamsConfig(StreamsProperties.from(settings, new FrameStats(new SimpleMeterRegistry())));
    for (int thread = 1; thread <= 2; thread++) {
      Map<String, Object> consumer = config.getMainConsumerConfigs("emotion-stream", "client", thread);
      assertEquals("processor-7d9f-abcde-" + thread, consumer.get(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG));
      assertEquals(30000, consumer.get(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG));
    }
    assertFalse(config.getRestoreConsumerConfigs("client").containsKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG));

    StreamsConfig dynamic = new StreamsConfig(StreamsProperties.from(Settings.defaults(),
        new FrameStats(new SimpleMeterRegistry())));
    assertFalse(dynamic.getMainConsumerConfigs("emotion-stream", "client", 1)
        .containsKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), "empty = dynamic membership");
  }
}
