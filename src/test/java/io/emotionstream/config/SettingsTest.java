package io.emotionstream.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {

  @Test
  void laterLayersWinAndRememberTheirSource(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("site.properties");
    Files.writeString(file, "stream.threads=3\ntopic.frames=from-file\n");
    Settings s = Settings.load(file, Map.of("EMOTION_STREAM_TOPIC_FRAMES", "from-env"), List.of("topic.events=from-flag"));
    assertEquals(3, s.integer("stream.threads"));
    assertEquals("from-env", s.string("topic.frames"));
    assertEquals("from-flag", s.string("topic.events"));
    assertEquals("environment variable EMOTION_STREAM_TOPIC_FRAMES", s.source("topic.frames"));
    assertEquals(file.toString(), s.source("stream.threads"));
    assertEquals("config/emotion-stream.properties", s.source("topic.dead-letter"));
  }

  @Test
  void invalidValueNamesKeyAndSource() {
    Settings s = Settings.load(null, Map.of("EMOTION_STREAM_STREAM_THREADS", "many"), List.of());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.integer("stream.threads"));
    assertTrue(e.getMessage().contains("stream.threads") && e.getMessage().contains("EMOTION_STREAM_STREAM_THREADS"),
        e.getMessage());
  }

  @Test
  void threadCountsAreAutoForTheCoresOrAPositiveNumber() {
    Settings auto = Settings.load(null, Map.of(), List.of("stream.threads=auto", "detect.workers=3", "cpu.cores=auto"));
    assertEquals(Runtime.getRuntime().availableProcessors(), auto.cores());
    assertEquals(auto.cores(), auto.threads("stream.threads"));
    assertEquals(3, auto.threads("detect.workers"));
    Settings pinned = auto.with(Map.of("cpu.cores", "5"), "test");
    assertEquals(5, pinned.threads("stream.threads"));
    for (String bad : List.of("0", "-1", "many")) {
      Settings s = Settings.load(null, Map.of("EMOTION_STREAM_DETECT_WORKERS", bad), List.of());
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.threads("detect.workers"));
      assertTrue(e.getMessage().contains("detect.workers") && e.getMessage().contains("EMOTION_STREAM_DETECT_WORKERS")
          && e.getMessage().contains("auto"), e.getMessage());
    }
    Settings badCores = auto.with(Map.of("cpu.cores", "0"), "test");
    assertThrows(IllegalArgumentException.class, () -> badCores.threads("stream.threads"));
  }

  @Test
  void kafkaPrefixedKeysArePassedThrough() {
    Settings s = Settings.load(null, Map.of(), List.of("kafka.security.protocol=SSL"));
    assertEquals(Map.of("security.protocol", "SSL"), s.kafkaOverrides());
  }

  @Test
  void malformedOverrideIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> Settings.load(null, Map.of(), List.of("no-equals-sign")));
  }

  @Test
  void kafkaSecretsComeFromTheEnvironmentWithoutADefault() {
    Settings s = Settings.load(null, Map.of("EMOTION_STREAM_KAFKA_SASL_JAAS_CONFIG", "org.apache.kafka.x required;",
        "EMOTION_STREAM_KAFKA_SECURITY_PROTOCOL", "SASL_SSL"), List.of());
    assertEquals("org.apache.kafka.x required;", s.kafkaClientConfig().get("sasl.jaas.config"));
    assertEquals("SASL_SSL", s.kafkaOverrides().get("security.protocol"));
    assertEquals("environment variable EMOTION_STREAM_KAFKA_SASL_JAAS_CONFIG", s.source("kafka.sasl.jaas.config"));
  }

  @Test
  void secretValuesAreNotEchoedInErrors() {
    Settings s = Settings.defaults().with(Map.of("ops.sse.max-clients", "x", "schema.registry.ssl.truststore.password",
        "hunter2"), "test");
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> s.integer("schema.registry.ssl.truststore.password"));
    assertTrue(!e.getMessage().contains("hunter2") && e.getMessage().contains("***"), e.getMessage());
    assertTrue(org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> s.integer("ops.sse.max-clients")).getMessage().contains("'x'"));
  }
}
