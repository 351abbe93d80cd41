/**
 * What every Kafka-facing part shares: topic names and creation (with the retention of each kind
 * of data, from {@code policy}), the embedded KRaft broker of {@code demo} and the tests, and the
 * Avro serdes ({@link io.emotionstream.kafka.serde}). Uses only {@code policy}, {@code config} and
 * the generated schema classes, so that {@code audit}, {@code model}, {@code emotion},
 * {@code stream} and {@code ops} can all build on it.
 */
package io.emotionstream.kafka;
