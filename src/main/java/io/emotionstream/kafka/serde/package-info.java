/**
 * Avro on Kafka in two wire formats: single-object encoding without a registry ({@code embedded})
 * and the Confluent wire format with a Confluent-compatible schema registry ({@code registry}).
 */
package io.emotionstream.kafka.serde;
