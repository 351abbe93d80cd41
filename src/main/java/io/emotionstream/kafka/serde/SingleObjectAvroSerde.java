package io.emotionstream.kafka.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Avro single-object encoding (the {@code embedded} wire format): each value carries the 64-bit
 * fingerprint of its writer schema, so readers need no registry, only the schemas they know. The
 * decoder knows every published version ({@link SchemaHistory}) and resolves the writer's schema to
 * this build's; given the schemas topic, it also finds schemas this build does not know (a newer
 * writer).
 */
public final class SingleObjectAvroSerde<T extends SpecificRecord> implements Serde<T> {

  private final BinaryMessageEncoder<T> encoder;
  private final BinaryMessageDecoder<T> decoder;
  private final String typeName;
  private final String lookedUpIn;

  /** Knows the schemas of this build's history only (internal stores, tests). */
  public SingleObjectAvroSerde(Class<T> type) {
    this(type, SchemaHistory.bundled().store(), "the " + SchemaHistory.bundled().all().size()
        + " schema versions this build knows");
  }

  /**
   * @param schemas where writer schemas are found by fingerprint
   * @param lookedUpIn what {@code schemas} consults, for the message of an unknown schema
   */
  public SingleObjectAvroSerde(Class<T> type, SchemaStore schemas, String lookedUpIn) {
    SpecificData data = SpecificData.getForClass(type);
    org.apache.avro.Schema schema = data.getSchema(type);
    this.encoder = new BinaryMessageEncoder<>(data, schema);
    this.decoder = new BinaryMessageDecoder<>(data, schema, schemas);
    this.typeName = schema.getFullName();
    this.lookedUpIn = lookedUpIn;
  }

  @Override
  public Serializer<T> serializer() {
    return (topic, value) -> {
      if (value == null) {
        return null;
      }
      try {
        ByteBuffer buffer = encoder.encode(value);
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
      } catch (IOException e) {
        throw new org.apache.kafka.common.errors.SerializationException(
            "cannot encode " + typeName + " for topic " + topic, e);
      }
    };
  }

  @Override
  public Deserializer<T> deserializer() {
    return (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      try {
        return decoder.decode(bytes);
      } catch (MissingSchemaException e) {
        throw new RecordDecodeException(RecordDecodeException.Reason.UNKNOWN_SCHEMA,
            "record on topic " + topic + " was written with schema fingerprint " + fingerprint(bytes)
                + ", found neither in " + lookedUpIn + "; expected a version of " + typeName, e);
      } catch (BadHeaderException e) {
        throw new RecordDecodeException(RecordDecodeException.Reason.MALFORMED,
            "record on topic " + topic + " is not Avro single-object encoded: " + e.getMessage(), e);
      } catch (IOException | RuntimeException e) {
        throw new RecordDecodeException(RecordDecodeException.Reason.MALFORMED,
            "record on topic " + topic + " is not a valid " + typeName + ": " + e, e);
      }
    };
  }

  /** The fingerprint of a single-object encoded record as the schemas topic keys it. */
  static String fingerprint(byte[] bytes) {
    if (bytes.length < 10) {
      return "(record too short)";
    }
    return java.util.HexFormat.of().formatHex(bytes, 2, 10);
  }
}
