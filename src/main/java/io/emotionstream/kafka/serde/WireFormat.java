package io.emotionstream.kafka.serde;

/** How Avro records are framed on Kafka topics ({@code wire.format}). */
public enum WireFormat {
  /** Avro single-object encoding: {@code C3 01}, 8-byte schema fingerprint, Avro binary. No registry. */
  EMBEDDED,
  /** Confluent wire format: byte 0, 4-byte schema id from a schema registry, Avro binary. */
  REGISTRY
}
