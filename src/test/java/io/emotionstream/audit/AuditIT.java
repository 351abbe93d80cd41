package io.emotionstream.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.emotionstream.cli.Main;
import io.emotionstream.config.Settings;
import io.emotionstream.emotion.EmotionClassifiers;
import io.emotionstream.emotion.HotReloader;
import io.emotionstream.kafka.EmbeddedKafka;
import io.emotionstream.model.ModelArtifact;
import io.emotionstream.model.ModelCopies;
import io.emotionstream.processor.ProcessorInstance;
import io.emotionstream.schema.AuditRecord;
import io.emotionstream.testing.ProcessorRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Every change that matters lands in the audit topic, through a real broker: a processor started
 * as {@code process} starts it records its start with its effective policy, then each change of
 * its camera file (cameras added, removed, enabled, disabled, policy, mask and zone changes) and a
 * refused file; the {@code models} commands record a release and a rollback, and the processor
 * each model it swaps in; its stop closes the trail.
 */
class AuditIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void everyPolicyAndModelChangeLandsInTheAuditTopic(@TempDir Path tmp) throws Exception {
    ModelArtifact faceApi = EmotionClassifiers.faceApiArtifact();
    Path v1 = ModelCopies.asVersion(faceApi, "v1", Instant.parse("2026-01-01T00:00:00Z"), tmp.resolve("v1"));
    Path v2 = ModelCopies.asVersion(faceApi, "v2", Instant.parse("2026-02-01T00:00:00Z"), tmp.resolve("v2"));
    String model = faceApi.metadata().name();
    Path cameraFile = tmp.resolve("cameras.yaml");
    Files.writeString(cameraFile, """
        cameras:
          - {id: entrance, site: s1, emotion: true, context: customer-area, purpose: mood per hour}
          - {id: corridor, site: s1, context: customer-area}
          - {id: counter, emotion: true, context: customer-area, purpose: queue mood,
             masks: [[[0, 0], [0.3, 0], [0.3, 1]]]}
          - {id: till, emotion: true, context: customer-area, purpose: queue mood}
          - {id: lobby, emotion: true, context: customer-area, purpose: p}
          - {id: old-door, emotion: true, context: customer-area, purpose: p}
        """);
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      String store = tmp.resolve("store").toUri().toString();
      Settings settings = Settings.defaults().with(Map.of("bootstrap.servers", kafka.bootstrapServers(),
          "application.id", "it-audit", "topics.partitions", "1", "model.dir", v1.toString(), "ops.port", "0",
          "stream.state-dir", ProcessorRun.freshStateDir(), "model.store", store,
          "cameras.file", cameraFile.toString(), "cameras.reload-ms", "200"), "test");
      List<AuditRecord> trail = new ArrayList<>();
      try (ProcessorInstance instance = ProcessorInstance.open(settings, false);
          AuditLog log = AuditLog.open(settings)) {
        instance.start();
        assertTrue(instance.processor().awaitRunning(Duration.ofSeconds(60)));
        AuditRecord started = awaitRecord(log, trail, r -> r.getAction().equals("processor-started"));
        assertTrue(started.getSource().startsWith("processor it-audit"), started.getSource());
        assertEquals("it-audit", started.getApplication());
        JsonNode policy = JSON.readTree(started.getAfter());
        assertEquals(6, policy.get("cameras").size());
        assertEquals(5, policy.get("camerasAnalysed").asInt());
        assertEquals(cameraFile.toString(), policy.get("cameraFile").asText());
        assertEquals("5", policy.get("settings").get("stats.min-people").get("value").asText());
        assertEquals("false", policy.get("settings").get("dead-letter.keep-pixels").get("value").asText());
        assertTrue(policy.get("settings").get("cameras.file").get("source").asText().contains("test"));
        assertTrue(started.getTime().isBefore(Instant.now().plusSeconds(1)));

        // one edit of the camera file with every kind of change; in force and audited without a restart
        Files.writeString(cameraFile, """
            cameras:
              - {id: entrance, site: s1, emotion: false, context: customer-area, purpose: mood per hour}
              - {id: corridor, site: s1, emotion: true, context: customer-area, purpose: queue length}
              - {id: counter, emotion: true, context: customer-area, purpose: queue mood,
                 masks: [[[0, 0], [0.5, 0], [0.5, 1]]]}
              - {id: till, emotion: true, context: customer-area, purpose: queue mood,
                 zones: {queue: [[0.5, 0], [1, 0], [1, 1]]}}
              - {id: lobby, emotion: true, context: staff-area, purpose: p}
              - {id: new-cam, emotion: true, context: customer-area, purpose: p}
            """);
        Map<String, String> expected = Map.of("entrance", "camera-disabled", "corridor", "camera-enabled",
            "counter", "camera-masks-changed", "till", "camera-zones-changed", "lobby", "camera-policy-changed",
            "new-cam", "camera-added", "old-door", "camera-removed");
        for (Map.Entry<String, String> change : expected.entrySet()) {
          AuditRecord r = awaitRecord(log, trail, a -> change.getKey().equals(a.getSubject())
              && a.getAction().startsWith("camera-"));
          assertEquals(change.getValue(), r.getAction(), change.getKey() + ": " + r.getDetail());
          assertTrue(r.getSource().startsWith("processor it-audit"), r.getSource());
          assertTrue(r.getDetail().contains(cameraFile.toString()), r.getDetail());
        }
        assertNull(instance.processor().cameraPolicies().get().refusal("corridor"), "in force");
        AuditRecord lobby = trail.stream().filter(r -> "lobby".equals(r.getSubject())).findFirst().orElseThrow();
        assertTrue(lobby.getBefore().contains("customer-area") && lobby.getAfter().contains("prohibited-context"),
            lobby.getAfter());

        // a file that cannot be used is refused, audited, and the previous version stays in force
        Files.writeString(cameraFile, "cameras:\n  - {id: corridor, emotion: maybe}\n");
        AuditRecord refused = awaitRecord(log, trail, r -> r.getAction().equals("camera-file-rejected"));
        assertTrue(refused.getDetail().contains("'emotion' must be true or false"), refused.getDetail());
        assertNull(instance.processor().cameraPolicies().get().refusal("corridor"));

        // models: a release, the processor's swap, a rollback and the swap back
        HotReloader reloader = instance.reloader();
        assertEquals(0, models("publish", v1.toString(), "-b", kafka.bootstrapServers(), "--store", store));
        AuditRecord first = awaitRecord(log, trail, r -> r.getAction().equals("model-released")
            && r.getAfter().contains("\"v1\""));
        assertTrue(first.getSource().startsWith("models publish (user "), first.getSource());
        assertEquals(model, first.getSubject());
        assertNull(first.getBefore(), "the first release of the model");
        // no held evaluation set here (model.gate.data): the release gate refuses a replacement, --force passes it
        assertEquals(1, models("publish", v2.toString(), "-b", kafka.bootstrapServers(), "--store", store),
            "the release gate refuses a replacement it cannot score");
        assertEquals(0, models("publish", v2.toString(), "-b", kafka.bootstrapServers(), "--store", store, "--force"));
        awaitRecord(log, trail, r -> r.getAction().equals("model-released") && r.getAfter().contains("\"v2\""));
        AuditRecord swapped = awaitRecord(log, trail, r -> r.getAction().equals("model-swapped")
            && r.getAfter().contains("\"v2\""));
        assertTrue(swapped.getSource().startsWith("processor it-audit"), swapped.getSource());
        assertEquals(0, models("promote", model, "v1", "-b", kafka.bootstrapServers(), "--store", store, "--force"));
        AuditRecord rollback = awaitRecord(log, trail, r -> r.getAction().equals("model-rolled-back"));
        assertTrue(rollback.getDetail().contains("release gate: forced past a refusal (--force): no held evaluation set"),
            rollback.getDetail());
        assertTrue(rollback.getBefore().contains("\"v2\"") && rollback.getAfter().contains("\"v1\""),
            rollback.getBefore() + " -> " + rollback.getAfter());
        assertTrue(rollback.getSource().startsWith("models promote (user "), rollback.getSource());
        awaitRecord(log, trail, r -> r.getAction().equals("model-swapped") && r.getAfter().contains("\"v1\""));
        assertEquals("v1", reloader.servingVersion());
      }
      // the stop, after the instance closed
      try (AuditLog log = AuditLog.open(settings)) {
        List<AuditRecord> all = log.readToEnd();
        assertEquals("processor-stopped", all.get(all.size() - 1).getAction());
        assertEquals(0, log.skipped());
        for (int i = 1; i < all.size(); i++) {
          assertTrue(!all.get(i).getTime().isBefore(all.get(i - 1).getTime()), "one partition, in order");
        }
      }
      try (Admin admin = Admin.create(settings.kafkaClientConfig())) {
        String topic = settings.string("topic.audit");
        TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
        assertEquals(1, d.partitions().size(), "one partition: one order");
        ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        var config = admin.describeConfigs(List.of(r)).all().get().get(r);
        assertEquals(TopicConfig.CLEANUP_POLICY_DELETE, config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value(),
            "append-only: never compacted");
        assertEquals("-1", config.get(TopicConfig.RETENTION_MS_CONFIG).value());
      }
    }
  }

  private static int models(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "models";
    System.arraycopy(args, 0, all, 1, args.length);
    return new CommandLine(new Main()).execute(all);
  }

  /** Reads the trail on until a record matches; fails after a minute. */
  private static AuditRecord awaitRecord(AuditLog log, List<AuditRecord> trail, Predicate<AuditRecord> wanted)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (true) {
      for (AuditRecord r : trail) {
        if (wanted.test(r)) {
          return r;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no such audit record in " + trail.stream().map(r -> r.getAction() + " "
            + r.getSubject()).toList());
      }
      trail.addAll(log.poll(Duration.ofMillis(200)));
    }
  }
}
