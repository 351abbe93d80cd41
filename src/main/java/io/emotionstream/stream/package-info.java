/**
 * The Kafka Streams side of the processor: {@link io.emotionstream.stream.EmotionStreams} (the
 * Kafka Streams client of an instance, with its counters) running the topology that
 * {@link io.emotionstream.stream.EmotionTopology} builds from a typed
 * {@link io.emotionstream.stream.TopologySpec} (frames in, one event per face out, per-camera and
 * per-zone window counts); the camera policy gate in front of the analysis, load shedding, the
 * disclosure step the window counts leave through, dead-letter handling (without pixels unless
 * asked), the frame producer and the event reader.
 */
package io.emotionstream.stream;
