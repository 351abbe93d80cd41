package io.emotionstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.emotionstream.analysis.RejectReason;
import io.emotionstream.config.Settings;
import io.emotionstream.kafka.RecordSizes;
import io.emotionstream.kafka.Topics;
import io.emotionstream.schema.CameraFrame;
import io.emotionstream.schema.ModelRelease;
import io.emotionstream.stream.DeadLetterHandler;
import io.emotionstream.stream.EmotionStreams;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/asyncapi.yaml} against the code: its channels are the topics the configuration names,
 * each message's payload is the schema file of the type the code reads or writes on that topic (and
 * that file is the schema the build writes), every public schema under {@code schemas/} has a
 * channel, keys are strings, and the dead-letter headers and reasons are the ones the handler sets.
 */
class AsyncApiContractTest {

  private static final Path DOCUMENT = Path.of("docs/asyncapi.yaml");
  /** Schemas of state stores, never on a topic of their own. */
  private static final Set<String> INTERNAL = Set.of("TrackerState");

  private static JsonNode doc;
  private static Settings settings;

  @BeforeAll
  static void read() throws Exception {
    doc = new ObjectMapper(new YAMLFactory()).readTree(DOCUMENT.toFile());
    settings = Settings.defaults();
  }

  /** The value type of every topic with Avro values, by its default name. */
  private static Map<String, Class<? extends SpecificRecord>> avroTopics() {
    Topics topics = Topics.from(settings);
    Map<String, Class<? extends SpecificRecord>> out = new HashMap<>(EmotionStreams.writtenTypes(topics));
    out.put(topics.frames(), CameraFrame.class);
    out.put(settings.string("topic.model-releases"), ModelRelease.class);
    out.put(topics.audit(), io.emotionstream.schema.AuditRecord.class);
    return out;
  }

  private static Map<String, JsonNode> channelsByAddress() {
    Map<String, JsonNode> out = new TreeMap<>();
    doc.get("channels").fields().forEachRemaining(e -> out.put(e.getValue().get("address").asText(), e.getValue()));
    return out;
  }

  private static JsonNode resolve(JsonNode node) {
    JsonNode ref = node.get("$ref");
    if (ref == null) {
      return node;
    }
    JsonNode target = doc;
    for (String part : ref.asText().replaceFirst("^#/", "").split("/")) {
      target = target.get(part);
      assertNotNull(target, "unresolved reference " + ref.asText());
    }
    return target;
  }

  private static JsonNode onlyMessage(JsonNode channel) {
    JsonNode messages = channel.get("messages");
    assertEquals(1, messages.size(), "one message per channel: " + channel.get("address"));
    return resolve(messages.elements().next());
  }

  @Test
  void theChannelsAreTheTopicsTheConfigurationNames() {
    Topics topics = Topics.from(settings);
    Set<String> configured = new TreeSet<>(topics.all());
    configured.add(settings.string("topic.model-releases"));
    configured.add(settings.string("topic.schemas"));
    assertEquals(configured, channelsByAddress().keySet());
    doc.get("operations").fields().forEachRemaining(op -> resolve(op.getValue().get("channel")));
  }

  @Test
  void eachAvroChannelCarriesTheSchemaTheCodeWritesThere() throws Exception {
    Map<String, JsonNode> channels = channelsByAddress();
    for (Map.Entry<String, Class<? extends SpecificRecord>> e : avroTopics().entrySet()) {
      JsonNode message = onlyMessage(channels.get(e.getKey()));
      JsonNode payload = message.get("payload");
      assertTrue(payload.get("schemaFormat").asText().startsWith("application/vnd.apache.avro+json"), e.getKey());
      Path file = DOCUMENT.getParent().resolve(payload.get("schema").get("$ref").asText()).normalize();
      assertTrue(Files.isRegularFile(file), e.getKey() + ": " + file);
      Schema documented = new Schema.Parser().parse(file.toFile());
      Schema written = SpecificData.get().getSchema(e.getValue());
      assertEquals(written.getFullName(), documented.getFullName(), e.getKey());
      assertEquals(org.apache.avro.SchemaNormalization.parsingFingerprint64(written),
          org.apache.avro.SchemaNormalization.parsingFingerprint64(documented), e.getKey() + ": " + file);
      assertEquals("string", message.get("bindings").get("kafka").get("key").get("type").asText(), e.getKey());
    }
  }

  @Test
  void everyPublicSchemaHasItsChannel() throws Exception {
    Set<String> documented = new TreeSet<>();
    doc.get("components").get("messages").forEach(m -> {
      JsonNode schema = m.get("payload").get("schema");
      if (schema != null && schema.has("$ref")) {
        documented.add(Path.of(schema.get("$ref").asText()).getFileName().toString().replace(".avsc", ""));
      }
    });
    Set<String> files;
    try (Stream<Path> s = Files.list(Path.of("schemas"))) {
      files = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".avsc"))
          .map(n -> n.replace(".avsc", "")).filter(n -> !INTERNAL.contains(n)).collect(Collectors.toCollection(TreeSet::new));
    }
    assertEquals(files, documented, "schemas/*.avsc without a channel in " + DOCUMENT + " (or not marked internal here)");
  }

  @Test
  void topicSettingsAreTheOnesTheProcessorCreates() {
    Map<String, JsonNode> channels = channelsByAddress();
    Topics topics = Topics.from(settings);
    for (String topic : topics.all()) {
      JsonNode kafka = channels.get(topic).get("bindings").get("kafka");
      // the audit trail keeps one order: one partition
      int partitions = topic.equals(topics.audit()) ? 1 : settings.integer("topics.partitions");
      assertEquals(partitions, kafka.get("partitions").asInt(), topic);
    }
    for (String topic : new String[] {topics.frames(), topics.deadLetter()}) {
      assertEquals(RecordSizes.topic(settings).get("max.message.bytes"),
          channels.get(topic).get("bindings").get("kafka").get("topicConfiguration").get("max.message.bytes").asText(), topic);
    }
    for (String topic : new String[] {settings.string("topic.model-releases"), settings.string("topic.schemas")}) {
      JsonNode kafka = channels.get(topic).get("bindings").get("kafka");
      assertEquals(1, kafka.get("partitions").asInt(), topic);
      assertEquals("compact", kafka.get("topicConfiguration").get("cleanup.policy").get(0).asText(), topic);
    }
  }

  @Test
  void deadLetterHeadersAndReasonsAreTheHandlers() throws Exception {
    JsonNode headers = onlyMessage(channelsByAddress().get(settings.string("topic.dead-letter"))).get("headers");
    Set<String> documented = new TreeSet<>();
    headers.get("properties").fieldNames().forEachRemaining(documented::add);
    Set<String> set = new TreeSet<>();
    for (Field f : DeadLetterHandler.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class && ((String) f.get(null)).startsWith("dlq.")) {
        set.add((String) f.get(null));
      }
    }
    assertEquals(set, documented);
    Set<String> reasons = new TreeSet<>();
    headers.get("properties").get(DeadLetterHandler.REASON).get("enum").forEach(r -> reasons.add(r.asText()));
    assertEquals(Stream.of(RejectReason.values()).map(RejectReason::code).collect(Collectors.toCollection(TreeSet::new)), reasons);
  }

  @Test
  void theSchemaTopicsKeyIsTheFingerprintAsOnTheWire() {
    JsonNode message = onlyMessage(channelsByAddress().get(settings.string("topic.schemas")));
    String pattern = message.get("bindings").get("kafka").get("key").get("pattern").asText();
    String key = io.emotionstream.kafka.serde.SchemaTopic.key(CameraFrame.getClassSchema());
    assertTrue(key.matches(pattern), key + " vs " + pattern);
    // the key is the 8 bytes after C3 01 of a record the embedded format writes
    ModelRelease release = ModelRelease.newBuilder().setModelName("m").setVersion("1").setArtifactUri("file:/m")
        .setChecksum("00").setLabels(java.util.List.of("a")).setCreatedTime(java.time.Instant.EPOCH).build();
    byte[] bytes = new io.emotionstream.kafka.serde.SingleObjectAvroSerde<>(ModelRelease.class).serializer()
        .serialize("t", release);
    assertEquals(io.emotionstream.kafka.serde.SchemaTopic.key(ModelRelease.getClassSchema()),
        java.util.HexFormat.of().formatHex(bytes, 2, 10));
  }
}
