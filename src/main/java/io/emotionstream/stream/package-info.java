/**
 * The Kafka Streams processor: topology (frames in, one event per face out, per-camera window
 * counts), the processors over {@code analysis}, dead-letter handling, the frame producer and the
 * event reader.
 */
package io.emotionstream.stream;
