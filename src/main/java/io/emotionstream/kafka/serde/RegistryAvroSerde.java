package io.emotionstream.kafka.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The Confluent wire format: byte 0 = magic 0, bytes 1-4 = schema id (big-endian), then Avro
 * binary. Writers register their schema under {@code <topic>-value} (TopicNameStrategy); readers
 * fetch the writer's schema by id and resolve it against their own, so older and newer writers
 * can be read as long as the schemas stay compatible.
 */
public final class RegistryAvroSerde<T extends SpecificRecord> implements Serde<T> {

  private static final byte MAGIC = 0;

  private final SchemaRegistryClient registry;
  private final RegistryOutageWait outage;
  private final boolean autoRegister;
  private final SpecificData data;
  private final Schema schema;

  public RegistryAvroSerde(Class<T> type, SchemaRegistryClient registry, boolean autoRegister) {
    this(type, registry, autoRegister, RegistryOutageWait.none());
  }

  /** @param outage how long a read or write waits for an unavailable registry instead of failing */
  public RegistryAvroSerde(Class<T> type, SchemaRegistryClient registry, boolean autoRegister,
      RegistryOutageWait outage) {
    this.registry = registry;
    this.outage = outage;
    this.autoRegister = autoRegister;
    this.data = SpecificData.getForClass(type);
    this.schema = data.getSchema(type);
  }

  /** Subject name for the values of {@code topic} (Confluent's TopicNameStrategy). */
  public static String subject(String topic) {
    return topic + "-value";
  }

  @Override
  public Serializer<T> serializer() {
    SpecificDatumWriter<T> writer = new SpecificDatumWriter<>(schema, data);
    return (topic, value) -> {
      if (value == null) {
        return null;
      }
      // ids are cached: declared at start (AvroSerdes.declareWriters), so writes do not need the registry
      int id = outage.call("writing a " + schema.getName() + " to " + topic, () -> autoRegister
          ? registry.register(subject(topic), schema) : registry.lookup(subject(topic), schema));
      try {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.write(MAGIC);
        out.write(ByteBuffer.allocate(4).putInt(id).array());
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        writer.write(value, encoder);
        encoder.flush();
        return out.toByteArray();
      } catch (IOException e) {
        throw new SerializationException("cannot encode " + schema.getFullName() + " for topic " + topic, e);
      }
    };
  }

  @Override
  public Deserializer<T> deserializer() {
    return (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      if (bytes.length < 5 || bytes[0] != MAGIC) {
        throw new RecordDecodeException(RecordDecodeException.Reason.MALFORMED, "record on topic " + topic
            + " is not in the Confluent wire format (" + bytes.length + " bytes, first byte "
            + (bytes.length == 0 ? "none" : String.format("0x%02x", bytes[0])) + ")", null);
      }
      int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
      Schema writerSchema;
      try {
        writerSchema = outage.call("a record of " + topic + " with schema id " + id + " (thread "
            + Thread.currentThread().getName() + ")", () -> registry.schemaById(id));
      } catch (SchemaRegistryClient.RegistryException e) {
        if (e.status() == 404) {
          throw new RecordDecodeException(RecordDecodeException.Reason.UNKNOWN_SCHEMA,
              "record on topic " + topic + " names schema id " + id + ", unknown to the registry at "
                  + registry.baseUrl(), e);
        }
        // the registry is unavailable, for longer than the wait: not the record's fault; the
        // dead-letter handler fails the thread, whose replacement reads the record again
        throw e;
      }
      try {
        SpecificDatumReader<T> reader = new SpecificDatumReader<>(writerSchema, schema, data);
        return reader.read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
      } catch (IOException | RuntimeException e) {
        throw new RecordDecodeException(RecordDecodeException.Reason.MALFORMED, "record on topic " + topic
            + " (schema id " + id + ") is not a valid " + schema.getFullName() + ": " + e, e);
      }
    };
  }
}
