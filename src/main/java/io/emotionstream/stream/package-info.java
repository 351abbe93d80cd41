/**
 * The Kafka Streams processor: topology (frames in, one event per face out, per-camera and
 * per-zone window counts), the camera policy gate in front of the analysis, the disclosure step
 * the window counts leave through, the processors over {@code analysis}, dead-letter handling
 * (without pixels unless asked), the frame producer and the event reader.
 */
package io.emotionstream.stream;
