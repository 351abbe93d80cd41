/**
 * The Kafka Streams processor: topology (frames in, one event per face out, per-camera window
 * counts), frame analysis, dead-letter handling, the instance lifecycle, frame producer, event
 * reader and the embedded broker used by {@code demo} and the tests.
 */
package io.emotionstream.stream;
