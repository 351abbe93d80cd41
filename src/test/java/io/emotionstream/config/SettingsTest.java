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

  @Test
  void aMisspeltKeyIsRefusedWithItsSourceAndTheNearestKey(@TempDir Path dir) throws Exception {
    IllegalArgumentException set = assertThrows(IllegalArgumentException.class,
        () -> Settings.load(null, Map.of(), List.of("frame.max-age=0")));
    assertTrue(set.getMessage().contains("unknown setting 'frame.max-age' in --set frame.max-age")
        && set.getMessage().contains("did you mean 'frame.max-age-ms'?"), set.getMessage());

    IllegalArgumentException env = assertThrows(IllegalArgumentException.class,
        () -> Settings.load(null, Map.of("EMOTION_STREAM_FRAME_MAX_AGE", "0"), List.of()));
    assertTrue(env.getMessage().contains("unknown environment variable EMOTION_STREAM_FRAME_MAX_AGE")
        && env.getMessage().contains("EMOTION_STREAM_FRAME_MAX_AGE_MS, setting 'frame.max-age-ms'"), env.getMessage());

    Path file = dir.resolve("site.properties");
    Files.writeString(file, "stream.threads=2\ndetect.min-fase=20\n");
    IllegalArgumentException inFile = assertThrows(IllegalArgumentException.class,
        () -> Settings.load(file, Map.of(), List.of()));
    assertTrue(inFile.getMessage().contains("unknown setting 'detect.min-fase' in config file " + file)
        && inFile.getMessage().contains("'detect.min-face'"), inFile.getMessage());

    // every mistake at once, one per line
    IllegalArgumentException all = assertThrows(IllegalArgumentException.class, () -> Settings.load(file,
        Map.of("EMOTION_STREAM_TOPIC_FRAME", "x"), List.of("ops.prot=1")));
    assertEquals(3, all.getMessage().lines().count(), all.getMessage());
    assertTrue(all.getMessage().contains("'topic.frames'") && all.getMessage().contains("'ops.port'"), all.getMessage());

    // far from every key: no suggestion, still refused
    IllegalArgumentException far = assertThrows(IllegalArgumentException.class,
        () -> Settings.load(null, Map.of(), List.of("completely.unrelated.thing=1")));
    assertTrue(!far.getMessage().contains("did you mean"), far.getMessage());
  }

  @Test
  void passThroughPrefixesAndTheLaunchersOwnVariablesAreAccepted(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("site.properties");
    Files.writeString(file, "kafka.ssl.truststore.location=/etc/ca.p12\nnotice.contact.store-7=desk 7\n");
    Settings s = Settings.load(file, Map.of("EMOTION_STREAM_HOME", "/app", "EMOTION_STREAM_ASSETS", "/app/assets",
        "EMOTION_STREAM_DEBUG", "1", "EMOTION_STREAM_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
        "EMOTION_STREAM_NOTICE_CONTACT_STORE_7", "desk 7 from env", "PATH", "/bin"),
        List.of("kafka.client.id=x", "notice.text.store-7=more"));
    assertEquals("/etc/ca.p12", s.kafkaOverrides().get("ssl.truststore.location"));
    assertEquals("SCRAM-SHA-512", s.kafkaOverrides().get("sasl.mechanism"));
    assertEquals("desk 7 from env", s.string("notice.contact.store-7"), "a key of the file takes its variable");
    assertEquals("more", s.string("notice.text.store-7"));
    // a prefix alone is no key
    assertThrows(IllegalArgumentException.class, () -> Settings.load(null, Map.of(), List.of("kafka.=x")));
  }

  @Test
  void theSuggestionIsTheNearestKey() {
    KnownKeys keys = KnownKeys.from(props("topic.frames", "topic.events", "ops.port", "ops.bind-address"));
    assertEquals("topic.events", keys.nearest("topic.event", false));
    assertEquals("ops.port", keys.nearest("ops.prot", false), "a swap of two letters is one edit");
    assertEquals("ops.bind-address", keys.nearest("EMOTION_STREAM_OPS_BIND_ADRESS", true));
    assertEquals(null, keys.nearest("zzzzzzzzzz", false));
    assertEquals(1, KnownKeys.distance("ab", "ba"));
    assertEquals(3, KnownKeys.distance("kitten", "sitting"));
  }

  private static java.util.Properties props(String... keys) {
    java.util.Properties p = new java.util.Properties();
    for (String k : keys) {
      p.setProperty(k, "");
    }
    return p;
  }
}
