/**
 * One processor instance assembled from the settings: the operations server, the pipeline
 * (MTCNN detector, emotion classifier, frame analyzer), the Kafka Streams application
 * ({@code stream.EmotionStreams}), status wiring
 * and hot reload, started and closed in one place. Sits above {@code ops}, {@code stream},
 * {@code analysis}, {@code emotion} and {@code model}; only {@code cli} and the integration tests
 * use it.
 */
package io.emotionstream.processor;
