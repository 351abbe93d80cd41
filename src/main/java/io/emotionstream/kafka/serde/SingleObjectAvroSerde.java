package io.emotionstream.kafka.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Avro single-object encoding (the {@code embedded} wire format): each value carries the 64-bit
 * fingerprint of its writer schema, so readers need no registry, only the schemas they know.
 */
public final class SingleObjectAvroSerde<T extends SpecificRecord> implements Serde<T> {

  private final BinaryMessageEncoder<T> encoder;
  private final BinaryMessageDecoder<T> decoder;
  private final String typeName;

  public SingleObjectAvroSerde(Class<T> type) {
    SpecificData data = SpecificData.getForClass(type);
    org.apache.avro.Schema schema = data.getSchema(type);
    this.encoder = new BinaryMessageEncoder<>(data, schema);
    this.decoder = new BinaryMessageDecoder<>(data, schema);
    this.typeName = schema.getFullName();
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
            "record on topic " + topic + " was written with a schema this reader does not know ("
                + e.getMessage() + "); expected " + typeName, e);
      } catch (BadHeaderException e) {
        throw new RecordDecodeException(RecordDecodeException.Reason.MALFORMED,
            "record on topic " + topic + " is not Avro single-object encoded: " + e.getMessage(), e);
      } catch (IOException | RuntimeException e) {
        throw new RecordDecodeException(RecordDecodeException.Reason.MALFORMED,
            "record on topic " + topic + " is not a valid " + typeName + ": " + e, e);
      }
    };
  }
}
