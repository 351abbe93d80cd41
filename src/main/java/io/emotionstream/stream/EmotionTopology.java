package io.emotionstream.stream;

import io.emotionstream.schema.CameraFrame;
import io.emotionstream.schema.FaceEmotion;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/**
 * {@code frames topic -> analyze (decode, detect, crop, classify) -> events topic}, keyed by camera
 * id end to end so that each camera's events keep the order of its frames. Rejected records go to
 * the dead-letter topic through {@link DeadLetterHandler}, configured in {@link StreamsProperties}.
 */
public final class EmotionTopology {

  private EmotionTopology() {}

  public static Topology build(Topics topics, Serde<CameraFrame> frameSerde, Serde<FaceEmotion> eventSerde,
      FrameAnalyzer analyzer, FrameStats stats) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(topics.frames(), Consumed.with(Serdes.String(), frameSerde).withName("camera-frames"))
        .process(() -> new FrameProcessor(analyzer, stats), Named.as("analyze-frame"))
        .to(topics.events(), Produced.with(Serdes.String(), eventSerde).withName("face-emotions"));
    return builder.build();
  }
}
