package io.emotionstream.kafka.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.config.Settings;
import io.emotionstream.frame.EncodedImage;
import io.emotionstream.kafka.TopicCreator;
import io.emotionstream.processor.Pipeline;
import io.emotionstream.schema.CameraFrame;
import io.emotionstream.schema.FaceEmotion;
import io.emotionstream.stream.EmotionStreams;
import io.emotionstream.stream.FrameProducer;
import io.emotionstream.stream.FrameStats;
import io.emotionstream.testing.ProcessorRun;
import io.emotionstream.testing.SamplePhotos;
import io.emotionstream.testing.KafkaPipelineExtension;
import io.emotionstream.testing.TestCameras;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
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
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The compatibility matrix through a real broker and a real schema registry: for every schema
 * under {@code schemas/} and every version of it, one record written in each wire format, read back
 * from the topic by every version (full transitive: older readers of newer records and newer readers
 * of older records), each reader knowing only its own schema and finding the writer's in the
 * registry or on the schemas topic. Then the processor's own events, in both formats, read by a
 * reader that knows only the first {@code FaceEmotion}; and a schema that breaks the rule refused at start.
 */
class SchemaCompatibilityIT {

  @RegisterExtension
  static final KafkaPipelineExtension KAFKA = KafkaPipelineExtension.broker().withRegistry();

  private static Settings settings(String name, Map<String, String> extra) {
    Map<String, String> values = new HashMap<>(Map.of("application.id", "compat-" + name, "topics.partitions", "1",
        "cameras.file", TestCameras.optedIn("cam-embedded", "cam-registry")));
    values.putAll(extra);
    return KAFKA.settings(name, values);
  }

  @Test
  void everyVersionOfEverySchemaReadsEveryOtherThroughTheBrokerInBothWireFormats() throws Exception {
    SchemaHistory history = SchemaCompatibilityTest.history();
    Settings settings = settings("matrix", Map.of());
    SchemaTopic schemaTopic = new SchemaTopic(settings);
    schemaTopic.ensure();
    int reads = 0;
    StringBuilder table = new StringBuilder();
    for (String name : history.names()) {
      List<SchemaHistory.Version> versions = history.versions(name);
      String simple = name.substring(name.lastIndexOf('.') + 1);
      String embeddedTopic = "matrix-" + simple + "-embedded";
      String registryTopic = "matrix-" + simple + "-registry";
      TopicCreator.ensure(settings, List.of(new NewTopic(embeddedTopic, 1, (short) 1), new NewTopic(registryTopic, 1, (short) 1)));
      String subject = RegistryAvroSerde.subject(registryTopic);
      SchemaRegistryClient writerClient = new SchemaRegistryClient(KAFKA.registry().ccompatUrl());
      writerClient.setCompatibility(subject, CompatibilityLevel.FULL_TRANSITIVE);
      assertEquals("FULL_TRANSITIVE", writerClient.compatibility(subject));

      // one writer per version, oldest first: each registers under FULL_TRANSITIVE (the registry
      // accepts the history as it is) and publishes to the schemas topic
      List<GenericRecord> written = new ArrayList<>();
      for (SchemaHistory.Version v : versions) {
        GenericRecord record = SampleRecords.of(v.schema(), v.number());
        written.add(record);
        int id = writerClient.register(subject, v.schema());
        ProcessorRun.sendRaw(settings, registryTopic, "k", confluent(id, v.schema(), record));
        schemaTopic.publish(List.of(v.schema()));
        ProcessorRun.sendRaw(settings, embeddedTopic, "k",
            SchemaCompatibilityTest.bytes(new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v.schema()).encode(record)));
      }
      List<ConsumerRecord<String, byte[]>> registryRecords = ProcessorRun.readRaw(settings, registryTopic, versions.size(), Duration.ofSeconds(30));
      List<ConsumerRecord<String, byte[]>> embeddedRecords = ProcessorRun.readRaw(settings, embeddedTopic, versions.size(), Duration.ofSeconds(30));
      assertEquals(versions.size(), registryRecords.size());
      assertEquals(versions.size(), embeddedRecords.size());

      // every reader version, knowing only itself
      for (SchemaHistory.Version reader : versions) {
        SchemaRegistryClient readerClient = new SchemaRegistryClient(KAFKA.registry().ccompatUrl());
        SchemaStore.Cache own = new SchemaStore.Cache();
        own.addSchema(reader.schema());
        BinaryMessageDecoder<GenericRecord> embeddedReader = new BinaryMessageDecoder<>(GenericData.get(), reader.schema(),
            new SchemaTopicStore(own, schemaTopic, Duration.ZERO));
        for (int w = 0; w < versions.size(); w++) {
          Schema writer = versions.get(w).schema();
          String where = simple + " v" + versions.get(w).number() + " -> v" + reader.number();
          byte[] bytes = registryRecords.get(w).value();
          int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
          GenericRecord viaRegistry = new GenericDatumReader<GenericRecord>(readerClient.schemaById(id), reader.schema())
              .read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
          SampleRecords.assertResolved(reader.schema(), viaRegistry, writer, written.get(w), where + " (registry)");
          GenericRecord viaTopic = embeddedReader.decode(embeddedRecords.get(w).value());
          SampleRecords.assertResolved(reader.schema(), viaTopic, writer, written.get(w), where + " (embedded)");
          reads += 2;
        }
      }
      table.append(String.format("%-14s %d versions, %d reader x writer pairs, both formats%n", simple, versions.size(),
          versions.size() * versions.size()));

      // and a version that breaks the rule is refused by the registry
      Schema broken = withRequiredField(versions.get(versions.size() - 1).schema());
      SchemaRegistryClient.RegistryException refused = assertThrows(SchemaRegistryClient.RegistryException.class,
          () -> writerClient.register(subject, broken));
      assertEquals(409, refused.status(), refused.getMessage());
    }
    System.out.print("compatibility matrix through the broker and the registry:\n" + table);
    assertTrue(reads >= 2 * (1 + 9 + 2 * 2 + 16 + 1 + 1), "reads: " + reads);
  }

  @Test
  void aReaderOfTheFirstFaceEmotionReadsTheProcessorsEventsInBothWireFormats() throws Exception {
    Schema first = SchemaHistory.bundled().versions(FaceEmotion.getClassSchema().getFullName()).get(0).schema();
    List<EncodedImage> photos = SamplePhotos.encoded(640, 1, 3);
    try (Pipeline pipeline = Pipeline.open(settings("pipeline", Map.of()))) {
      for (String format : List.of("embedded", "registry")) {
        Settings settings = settings("first-reader-" + format, Map.of("wire.format", format));
        List<CameraFrame> frames = new ArrayList<>();
        for (int i = 0; i < photos.size(); i++) {
          frames.add(FrameProducer.frame("cam-" + format, i, photos.get(i), Instant.now(), "site-1", Map.of("zone", "door")));
        }
        List<FaceEmotion> today;
        try (EmotionStreams processor = new EmotionStreams(settings, pipeline.analyzer());
            FrameProducer producer = new FrameProducer(settings)) {
          processor.start();
          assertTrue(processor.awaitRunning(Duration.ofSeconds(60)));
          for (CameraFrame f : frames) {
            producer.send(f).get();
          }
          FrameStats stats = processor.stats();
          ProcessorRun.await("frames processed", () -> stats.framesProcessed() >= frames.size(), Duration.ofMinutes(3));
          today = ProcessorRun.readEvents(settings, stats.faces(), Duration.ofSeconds(30));
        }
        assertTrue(today.size() >= 2, "sample photos show faces: " + today.size());
        assertEquals("door", today.get(0).getZone());
        List<ConsumerRecord<String, byte[]>> raw = ProcessorRun.readRaw(settings, settings.string("topic.events"),
            today.size(), Duration.ofSeconds(30));
        assertEquals(today.size(), raw.size());

        // the first FaceEmotion's reader, knowing nothing else
        List<GenericRecord> read = new ArrayList<>();
        if (format.equals("embedded")) {
          SchemaStore.Cache own = new SchemaStore.Cache();
          own.addSchema(first);
          assertThrows(MissingSchemaException.class,
              () -> new BinaryMessageDecoder<GenericRecord>(GenericData.get(), first, own).decode(raw.get(0).value()),
              "without the schemas topic the first reader cannot resolve today's events (the reported failure)");
          BinaryMessageDecoder<GenericRecord> decoder = new BinaryMessageDecoder<>(GenericData.get(), first,
              new SchemaTopicStore(own, new SchemaTopic(settings), Duration.ZERO));
          for (ConsumerRecord<String, byte[]> r : raw) {
            assertEquals((byte) 0xC3, r.value()[0]);
            read.add(decoder.decode(r.value()));
          }
        } else {
          SchemaRegistryClient client = new SchemaRegistryClient(KAFKA.registry().ccompatUrl());
          for (ConsumerRecord<String, byte[]> r : raw) {
            byte[] b = r.value();
            assertEquals(0, b[0]);
            Schema writer = client.schemaById(ByteBuffer.wrap(b, 1, 4).getInt());
            read.add(new GenericDatumReader<GenericRecord>(writer, first).read(null,
                DecoderFactory.get().binaryDecoder(b, 5, b.length - 5, null)));
          }
          assertEquals("FULL_TRANSITIVE", client.compatibility(RegistryAvroSerde.subject(settings.string("topic.events"))));
        }
        for (int i = 0; i < today.size(); i++) {
          FaceEmotion e = today.get(i);
          GenericRecord old = read.get(i);
          assertEquals(first, old.getSchema());
          assertEquals(e.getCameraId(), old.get("cameraId").toString());
          assertEquals(e.getFrameSequence(), old.get("frameSequence"));
          assertEquals(e.getFaceIndex(), old.get("faceIndex"));
          assertEquals(e.getLabel(), old.get("label").toString());
          assertEquals(e.getCaptureTime().toEpochMilli(), old.get("captureTime"));
          assertEquals(e.getScores().size(), ((List<?>) old.get("scores")).size());
          assertEquals("site-1", old.get("siteId").toString());
        }
        System.out.printf("%s: %d events of today's processor read by the first FaceEmotion's reader%n", format, read.size());
      }

      // a schema that breaks the rule is refused at start, in both formats, before anything is written
      Schema incompatible = withRequiredField(FaceEmotion.getClassSchema());
      Settings reg = settings("refused-registry", Map.of("wire.format", "registry"));
      String subject = RegistryAvroSerde.subject(reg.string("topic.events"));
      new SchemaRegistryClient(KAFKA.registry().ccompatUrl()).register(subject, incompatible);
      assertRefused(reg, pipeline, subject);
      Settings emb = settings("refused-embedded", Map.of());
      SchemaTopic topic = new SchemaTopic(emb);
      topic.ensure();
      topic.publish(List.of(incompatible));
      assertRefused(emb, pipeline, emb.string("topic.schemas"));
    }
  }

  private static void assertRefused(Settings settings, Pipeline pipeline, String where) throws Exception {
    try (EmotionStreams processor = new EmotionStreams(settings, pipeline.analyzer())) {
      IncompatibleSchemaException e = assertThrows(IncompatibleSchemaException.class, processor::start);
      System.out.println("refused at start: " + e.getMessage());
      for (String part : List.of(where, "io.emotionstream.schema.FaceEmotion", settings.string("topic.events"), "mood")) {
        assertTrue(e.getMessage().contains(part), "'" + part + "' missing from: " + e.getMessage());
      }
      assertEquals(KafkaStreams.State.CREATED, processor.state(), "the streams never started");
    }
    assertEquals(0, ProcessorRun.readRaw(settings, settings.string("topic.events"), 1, Duration.ofSeconds(2)).size());
  }

  /** The schema with one more field and no default: old readers cannot read it, it cannot read them. */
  private static Schema withRequiredField(Schema schema) {
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field f : schema.getFields()) {
      fields.add(new Schema.Field(f, f.schema()));
    }
    fields.add(new Schema.Field("mood", Schema.create(Schema.Type.STRING), "required, no default", (Object) null));
    return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
  }

  private static byte[] confluent(int id, Schema schema, GenericRecord record) throws Exception {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.write(0);
    out.write(ByteBuffer.allocate(4).putInt(id).array());
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
    encoder.flush();
    return out.toByteArray();
  }
}
