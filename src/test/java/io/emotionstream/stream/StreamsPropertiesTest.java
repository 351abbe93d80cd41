package io.emotionstream.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.config.Settings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamsPropertiesTest {

  /** What Kafka Streams hands its consumers, not just what we put in the properties. */
  @Test
  void staticMembershipGivesEveryStreamThreadItsOwnInstanceId(@TempDir Path tmp) {
    Settings settings = Settings.load(null, Map.of("EMOTION_STREAM_GROUP_INSTANCE_ID", "processor-7d9f-abcde",
        "EMOTION_STREAM_STREAM_STATE_DIR", tmp.resolve("state").toString()), List.of());
    StreamsConfig config = new StreamsConfig(StreamsProperties.from(settings, new FrameStats(new SimpleMeterRegistry())));
    for (int thread = 1; thread <= 2; thread++) {
      Map<String, Object> consumer = config.getMainConsumerConfigs("emotion-stream", "client", thread);
      assertEquals("processor-7d9f-abcde-" + thread, consumer.get(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG));
      assertEquals(30000, consumer.get(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG));
    }
    assertFalse(config.getRestoreConsumerConfigs("client").containsKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG));

    StreamsConfig dynamic = new StreamsConfig(StreamsProperties.from(
        Settings.defaults().with(Map.of("stream.state-dir", tmp.resolve("state").toString()), "test"),
        new FrameStats(new SimpleMeterRegistry())));
    assertFalse(dynamic.getMainConsumerConfigs("emotion-stream", "client", 1)
        .containsKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), "empty = dynamic membership");
  }

  @Test
  void theStateDirectoryIsTheSettingSoARestartFindsItsState(@TempDir Path tmp) {
    Settings settings = Settings.defaults().with(Map.of("stream.state-dir", tmp.resolve("state").toString()), "test");
    Object first = StreamsProperties.from(settings, new FrameStats()).get(StreamsConfig.STATE_DIR_CONFIG);
    Object again = StreamsProperties.from(settings, new FrameStats()).get(StreamsConfig.STATE_DIR_CONFIG);
    assertEquals(tmp.resolve("state").toAbsolutePath().toString(), first);
    assertEquals(first, again);
    assertTrue(Files.isDirectory(tmp.resolve("state")));
  }

  @Test
  void anUnusableStateDirectoryNamesTheSetting(@TempDir Path tmp) throws Exception {
    Path file = Files.writeString(tmp.resolve("a-file"), "x");
    Settings settings = Settings.defaults().with(Map.of("stream.state-dir", file.resolve("state").toString()), "--set");
    UncheckedIOException e = assertThrows(UncheckedIOException.class,
        () -> StreamsProperties.from(settings, new FrameStats()));
    assertTrue(e.getMessage().contains("stream.state-dir") && e.getMessage().contains("--set"), e.getMessage());
  }
}
