package io.emotionstream.kafka.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * The compatibility rule of the README, over every schema under {@code schemas/} and every version
 * of it under {@code schemas/history/} (new files are picked up as they are): every version reads
 * every other one's records and is read by it (full transitive compatibility), through Avro's
 * single-object encoding (the embedded wire format, with only the versions a reader knows) and
 * plain Avro binary (what follows the registry format's 5-byte header). The same matrix runs
 * through a real broker and a real registry in {@code SchemaCompatibilityIT}.
 */
class SchemaCompatibilityTest {

  private static final Path SCHEMAS = Path.of("schemas");
  private static final ObjectMapper JSON = new ObjectMapper();

  static SchemaHistory history() throws Exception {
    return SchemaHistory.load(SCHEMAS.resolve("history"));
  }

  @Test
  void everySchemaIsRecordedAndItsNewestVersionIsTheSchemaThisBuildWrites() throws Exception {
    SchemaHistory history = history();
    List<Path> current;
    try (Stream<Path> s = Files.list(SCHEMAS)) {
      current = s.filter(p -> p.toString().endsWith(".avsc")).sorted().toList();
    }
    assertTrue(current.size() >= 6, "schemas/*.avsc: " + current);
    for (Path file : current) {
      Schema schema = new Schema.Parser().parse(file.toFile());
      List<SchemaHistory.Version> versions = history.versions(schema.getFullName());
      String name = file.getFileName().toString().replace(".avsc", "");
      assertFalse(versions.isEmpty(), file + " has no recorded version: copy it to schemas/history/" + name
          + "/v1.avsc (scripts/record-schema-version.sh " + name + ")");
      SchemaHistory.Version newest = versions.get(versions.size() - 1);
      assertEquals(JSON.readTree(file.toFile()), JSON.readTree(Path.of(newest.file()).toFile()),
          file + " differs from its newest recorded version " + newest.file() + ": record it as v"
              + (versions.size() + 1) + ".avsc (scripts/record-schema-version.sh " + name + ")");
    }
    assertEquals(current.size(), history.names().size(), "a history folder without its schema: " + history.names());
  }

  @Test
  void theBundledHistoryIsTheRepositorysHistory() throws Exception {
    SchemaHistory repository = history();
    SchemaHistory bundled = SchemaHistory.bundled();
    assertEquals(repository.names(), bundled.names());
    for (String name : repository.names()) {
      assertEquals(repository.versions(name).stream().map(SchemaHistory.Version::schema).toList(),
          bundled.versions(name).stream().map(SchemaHistory.Version::schema).toList(), name);
    }
    // what this build writes is the newest version of its history
    for (Class<? extends SpecificRecord> type : generated(repository)) {
      Schema schema = SpecificData.get().getSchema(type);
      List<SchemaHistory.Version> versions = bundled.versions(schema.getFullName());
      // the generated class's schema carries the code generator's string type; nothing else differs
      assertEquals(JSON.readTree(versions.get(versions.size() - 1).schema().toString()),
          withoutJavaStringType(JSON.readTree(schema.toString())), type.getName());
    }
  }

  @Test
  void everyVersionIsFullyCompatibleWithEveryOtherVersion() throws Exception {
    SchemaHistory history = history();
    int pairs = 0;
    for (String name : history.names()) {
      for (SchemaHistory.Version reader : history.versions(name)) {
        for (SchemaHistory.Version writer : history.versions(name)) {
          SchemaCompatibility.SchemaPairCompatibility c =
              SchemaCompatibility.checkReaderWriterCompatibility(reader.schema(), writer.schema());
          assertEquals(SchemaCompatibilityType.COMPATIBLE, c.getType(),
              reader.file() + " cannot read records written with " + writer.file() + ": " + c.getDescription());
          pairs++;
        }
      }
      assertTrue(CompatibilityLevel.FULL_TRANSITIVE.problems(
          history.versions(name).get(history.versions(name).size() - 1).schema(),
          history.versions(name).stream().map(SchemaHistory.Version::schema).toList()).isEmpty(), name);
    }
    assertTrue(pairs >= 6 + 3 * 3 + 4 * 4, "pairs checked: " + pairs);
  }

  @Test
  void everyVersionsRecordsDecodeWithEveryVersionInBothEncodings() throws Exception {
    SchemaHistory history = history();
    int decoded = 0;
    for (String name : history.names()) {
      List<SchemaHistory.Version> versions = history.versions(name);
      for (SchemaHistory.Version w : versions) {
        GenericRecord written = SampleRecords.of(w.schema(), w.number());
        byte[] singleObject = bytes(new BinaryMessageEncoder<GenericRecord>(GenericData.get(), w.schema()).encode(written));
        byte[] binary = binary(w.schema(), written);
        for (SchemaHistory.Version r : versions) {
          String where = w.file() + " -> " + r.file();
          // embedded: a reader that knows its own version and the writer's (found by fingerprint)
          SchemaStore.Cache known = new SchemaStore.Cache();
          known.addSchema(w.schema());
          GenericRecord viaSingleObject =
              new BinaryMessageDecoder<GenericRecord>(GenericData.get(), r.schema(), known).decode(singleObject);
          SampleRecords.assertResolved(r.schema(), viaSingleObject, w.schema(), written, where + " (single-object)");
          // registry: the writer's schema (fetched by id) resolved to the reader's
          GenericRecord viaBinary = new GenericDatumReader<GenericRecord>(w.schema(), r.schema())
              .read(null, DecoderFactory.get().binaryDecoder(binary, null));
          SampleRecords.assertResolved(r.schema(), viaBinary, w.schema(), written, where + " (binary)");
          decoded += 2;
        }
      }
    }
    assertTrue(decoded > 50, "decoded " + decoded);
  }

  @Test
  void theEmbeddedDecoderOfThisBuildReadsEveryPublishedVersion() throws Exception {
    SchemaHistory history = history();
    for (Class<? extends SpecificRecord> type : generated(history)) {
      Schema current = SpecificData.get().getSchema(type);
      SingleObjectAvroSerde<? extends SpecificRecord> serde = new SingleObjectAvroSerde<>(type);
      for (SchemaHistory.Version w : history.versions(current.getFullName())) {
        GenericRecord written = SampleRecords.of(w.schema(), 100 + w.number());
        byte[] bytes = bytes(new BinaryMessageEncoder<GenericRecord>(GenericData.get(), w.schema()).encode(written));
        Object read = serde.deserializer().deserialize("t", bytes);
        SampleRecords.assertResolved(current, toGeneric(current, (SpecificRecord) read), w.schema(), written,
            type.getSimpleName() + " reading " + w.file());
      }
    }
  }

  @Test
  void withoutTheWritersSchemaTheEmbeddedDecoderFailsAsTheIssueDescribes() throws Exception {
    // the reader of the first FaceEmotion, alone, meets today's record: this is what the schemas
    // topic is for (SchemaCompatibilityIT reads it with the topic's help)
    SchemaHistory history = history();
    List<SchemaHistory.Version> faceEmotion = history.versions("io.emotionstream.schema.FaceEmotion");
    Schema first = faceEmotion.get(0).schema();
    Schema today = faceEmotion.get(faceEmotion.size() - 1).schema();
    byte[] bytes = bytes(new BinaryMessageEncoder<GenericRecord>(GenericData.get(), today)
        .encode(SampleRecords.of(today, 1)));
    assertThrows(MissingSchemaException.class,
        () -> new BinaryMessageDecoder<GenericRecord>(GenericData.get(), first).decode(bytes));
  }

  @Test
  void theCompatibilityLevelsSayWhatBreaksThem() {
    Schema v1 = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}");
    Schema added = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"},"
        + "{\"name\":\"b\",\"type\":\"string\",\"default\":\"\"}]}");
    Schema required = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"},"
        + "{\"name\":\"c\",\"type\":\"string\"}]}");
    Schema removed = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"R\",\"fields\":[]}");
    assertTrue(CompatibilityLevel.FULL_TRANSITIVE.problems(added, List.of(v1)).isEmpty());
    List<String> p = CompatibilityLevel.FULL_TRANSITIVE.problems(required, List.of(v1));
    assertEquals(1, p.size(), p.toString());
    assertTrue(p.get(0).contains("cannot read data written with version 1") && p.get(0).contains("c"), p.get(0));
    assertTrue(CompatibilityLevel.FORWARD.problems(required, List.of(v1)).isEmpty());
    assertEquals(1, CompatibilityLevel.FULL.problems(removed, List.of(v1)).size(), "old readers need 'a'");
    assertTrue(CompatibilityLevel.BACKWARD.problems(removed, List.of(v1)).isEmpty());
    // transitive: against every earlier version, not only the latest
    assertEquals(List.of(), CompatibilityLevel.BACKWARD.problems(added, List.of(removed, v1)));
    List<String> transitive = CompatibilityLevel.BACKWARD_TRANSITIVE.problems(added, List.of(removed, v1));
    assertEquals(1, transitive.size(), transitive.toString());
    assertTrue(transitive.get(0).contains("version 1"), transitive.get(0));
    assertEquals(null, CompatibilityLevel.parse(" ", "k", "test"));
    assertEquals(CompatibilityLevel.FULL_TRANSITIVE, CompatibilityLevel.parse("full-transitive", "k", "test"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CompatibilityLevel.parse("FULLY", "schema.compatibility", "--set schema.compatibility"));
    assertTrue(e.getMessage().contains("schema.compatibility") && e.getMessage().contains("--set"), e.getMessage());
  }

  /** The generated classes of the schemas with a history (the Avro plugin compiles schemas/*.avsc). */
  @SuppressWarnings("unchecked")
  static List<Class<? extends SpecificRecord>> generated(SchemaHistory history) throws ClassNotFoundException {
    List<Class<? extends SpecificRecord>> out = new ArrayList<>();
    for (String name : history.names()) {
      out.add((Class<? extends SpecificRecord>) Class.forName(name));
    }
    return out;
  }

  private static byte[] binary(Schema schema, GenericRecord record) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  /** A generated record as a generic one of the same schema, for the comparison. */
  private static GenericRecord toGeneric(Schema schema, SpecificRecord record) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new org.apache.avro.specific.SpecificDatumWriter<SpecificRecord>(schema, SpecificData.getForClass(record.getClass()))
        .write(record, encoder);
    encoder.flush();
    return new GenericDatumReader<GenericRecord>(schema)
        .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
  }

  private static com.fasterxml.jackson.databind.JsonNode withoutJavaStringType(com.fasterxml.jackson.databind.JsonNode node) {
    if (node.isObject()) {
      com.fasterxml.jackson.databind.node.ObjectNode o = (com.fasterxml.jackson.databind.node.ObjectNode) node;
      o.remove("avro.java.string");
      if (o.size() == 1 && o.has("type") && o.get("type").isTextual()) {
        return o.get("type");
      }
      java.util.List<String> keys = new java.util.ArrayList<>();
      o.fieldNames().forEachRemaining(keys::add);
      for (String k : keys) {
        o.set(k, withoutJavaStringType(o.get(k)));
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        ((com.fasterxml.jackson.databind.node.ArrayNode) node).set(i, withoutJavaStringType(node.get(i)));
      }
    }
    return node;
  }

  static byte[] bytes(ByteBuffer buffer) {
    byte[] out = new byte[buffer.remaining()];
    buffer.duplicate().get(out);
    return out;
  }
}
