package io.emotionstream.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.config.Settings;
import io.emotionstream.testing.ProcessorRun;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-process broker: the broker properties it is given are the broker's, and a restart keeps
 * its address and its data (records written before are read after it, from the same log
 * directory, which stays when the directory was given).
 */
class EmbeddedKafkaIT {

  private static final String TOPIC = "restart-test";

  private static Settings settings(EmbeddedKafka kafka) {
    return Settings.defaults().with(Map.of("bootstrap.servers", kafka.bootstrapServers()), "test");
  }

  private static List<String> values(Settings settings) {
    try (TopicReader<String> reader = new TopicReader<>(settings, TOPIC, new StringDeserializer(),
        TopicReader.Start.BEGINNING)) {
      return reader.readToEnd(Duration.ofSeconds(30)).stream().map(ConsumerRecord::value).toList();
    }
  }

  private static void send(Settings settings, String value) throws Exception {
    ProcessorRun.sendRaw(settings, TOPIC, "k", value.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void recordsWrittenBeforeARestartAreReadAfterItAtTheSameAddress(@TempDir Path dir) throws Exception {
    Path logs = dir.resolve("kafka");
    try (EmbeddedKafka kafka = EmbeddedKafka.builder().directory(logs).start()) {
      String address = kafka.bootstrapServers();
      Settings settings = settings(kafka);
      TopicCreator.ensure(settings, List.of(new NewTopic(TOPIC, 2, (short) 1)));
      send(settings, "before-1");
      send(settings, "before-2");

      kafka.stop();
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", address, "default.api.timeout.ms", 2_000,
          "request.timeout.ms", 1_000))) {
        assertThrows(ExecutionException.class, () -> admin.listTopics().names().get(5, TimeUnit.SECONDS),
            "a stopped broker must not answer");
      }
      kafka.restart(Duration.ofSeconds(60));

      assertEquals(address, kafka.bootstrapServers());
      send(settings, "after");
      assertEquals(List.of("before-1", "before-2", "after"), values(settings));
    }
    assertTrue(Files.isDirectory(logs), "a directory that was given is its owner's to remove");
  }

  @Test
  void brokerPropertiesReachTheBroker() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.builder().property("log.retention.ms", "123456789").start();
        Admin admin = kafka.admin()) {
      String broker = Integer.toString(admin.describeCluster().nodes().get().iterator().next().id());
      ConfigResource resource = new ConfigResource(ConfigResource.Type.BROKER, broker);
      String retention = admin.describeConfigs(List.of(resource)).all().get().get(resource)
          .get("log.retention.ms").value();
      assertEquals("123456789", retention);
    }
  }
}
