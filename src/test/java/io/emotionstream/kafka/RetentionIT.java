package io.emotionstream.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.config.Settings;
import io.emotionstream.policy.RetentionPolicy;
import io.emotionstream.processor.ProcessorInstance;
import io.emotionstream.testing.ProcessorRun;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

/**
 * The topics a processor creates at start, read back from a real broker: each keeps its records
 * for the retention documented for its kind of data (the defaults in
 * {@code config/emotion-stream.properties}, argued in the README), with segments short enough for
 * that retention to act, and is deleted by age only.
 */
class RetentionIT {

  @Test
  void theTopicsTheProcessorCreatesKeepTheirDataForTheDocumentedTime() throws Exception {
    Settings defaults = Settings.defaults();
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      Settings settings = defaults.with(Map.of("bootstrap.servers", kafka.bootstrapServers(),
          "application.id", "it-retention", "ops.port", "0", "model.dir", "faceapi-expression",
          "stream.state-dir", ProcessorRun.freshStateDir()), "test");
      try (ProcessorInstance instance = ProcessorInstance.open(settings, false)) {
        instance.start();
        assertTrue(instance.processor().awaitRunning(Duration.ofSeconds(60)));
      }
      Map<String, String> retentionOf = new LinkedHashMap<>();
      retentionOf.put(defaults.string("topic.frames"), "retention.frames-ms");
      retentionOf.put(defaults.string("topic.dead-letter"), "retention.dead-letter-ms");
      retentionOf.put(defaults.string("topic.events"), "retention.events-ms");
      retentionOf.put(defaults.string("topic.tracks"), "retention.tracks-ms");
      retentionOf.put(defaults.string("topic.stats"), "retention.stats-ms");
      retentionOf.put(defaults.string("topic.zone-stats"), "retention.stats-ms");
      retentionOf.put(defaults.string("topic.audit"), "retention.audit-ms");
      try (Admin admin = Admin.create(settings.kafkaClientConfig())) {
        List<ConfigResource> resources = retentionOf.keySet().stream()
            .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
        Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get();
        for (ConfigResource r : resources) {
          Config c = configs.get(r);
          long documented = defaults.longValue(retentionOf.get(r.name()));
          assertEquals(Long.toString(documented), c.get(TopicConfig.RETENTION_MS_CONFIG).value(), r.name());
          assertEquals(TopicConfig.CLEANUP_POLICY_DELETE, c.get(TopicConfig.CLEANUP_POLICY_CONFIG).value(), r.name());
          Long segment = RetentionPolicy.segmentMs(documented);
          if (segment != null) {
            long actual = Long.parseLong(c.get(TopicConfig.SEGMENT_MS_CONFIG).value());
            assertEquals(segment.longValue(), actual, r.name());
            assertTrue(actual < documented, r.name() + ": segments roll within the retention");
          }
        }
        ConfigResource frames = new ConfigResource(ConfigResource.Type.TOPIC, defaults.string("topic.frames"));
        assertEquals("3600000", configs.get(frames).get(TopicConfig.RETENTION_MS_CONFIG).value(),
            "raw frames: one hour");
        assertEquals("600000", configs.get(frames).get(TopicConfig.SEGMENT_MS_CONFIG).value());
      }
    }
  }
}
