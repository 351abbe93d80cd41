package io.emotionstream.stream;

import io.emotionstream.analysis.FrameAnalyzer;
import io.emotionstream.kafka.Topics;
import io.emotionstream.kafka.serde.SingleObjectAvroSerde;
import io.emotionstream.schema.CameraFrame;
import io.emotionstream.schema.EmotionStats;
import io.emotionstream.schema.FaceEmotion;
import io.emotionstream.schema.FaceTrack;
import io.emotionstream.schema.TrackerState;
import java.time.Duration;
import java.time.Clock;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * {@code frames topic -> analyze (decode, detect, crop, classify) -> events topic}, keyed by camera
 * id end to end so that each camera's events keep the order of its frames; and, for dashboards,
 * per-camera emotion counts per time window to the stats topic and a queryable store. Frames
 * older than {@code frame.max-age-ms} are shed ({@link FrameShedder}) and counted in those
 * windows. Rejected records go to the dead-letter topic through {@link DeadLetterHandler},
 * configured in {@link StreamsProperties}.
 */
public final class EmotionTopology {

  /** Name of the window store behind {@code /api/stats}. */
  public static final String STATS_STORE = "emotion-stats-store";

  private EmotionTopology() {}

  /** Serdes and window of the topology. */
  public record TopologySerdes(Serde<CameraFrame> frames, Serde<FaceEmotion> events, Serde<EmotionStats> stats,
      Serde<FaceTrack> tracks) {}

  /** @param streamsConfig the instance's Kafka Streams configuration (topology-level settings apply) */
  public static Topology build(Topics topics, TopologySerdes serdes, Duration window, Duration grace,
      FrameAnalyzer analyzer, FrameStats stats, TrackSettings tracking, Properties streamsConfig) {
    Object skew = streamsConfig.get(FrameProcessor.MAX_CLOCK_SKEW_CONFIG);
    long maxClockSkew = skew == null ? Long.MAX_VALUE : Long.parseLong(skew.toString());
    StreamsBuilder builder = new StreamsBuilder(
        new org.apache.kafka.streams.TopologyConfig(new org.apache.kafka.streams.StreamsConfig(streamsConfig)));
    // the tracker store: camera id -> its tracks, with a changelog topic so a restarted or
    // rebalanced instance continues the same tracks; internal, so always in Avro's single-object
    // encoding, whatever the wire format of the public topics
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(FrameTracks.STORE),
        Serdes.String(), new SingleObjectAvroSerde<>(TrackerState.class)));
    FrameShedder shedder = FrameShedder.from(streamsConfig, Clock.systemUTC());
    KStream<String, SpecificRecord> analysed = builder
        .stream(topics.frames(), Consumed.with(Serdes.String(), serdes.frames()).withName("camera-frames"))
        .process(() -> new FrameProcessor(analyzer, stats, tracking, shedder, maxClockSkew), Named.as("analyze-frame"),
            FrameTracks.STORE);
    analysed.filter((camera, out) -> out instanceof FaceTrack, Named.as("ended-tracks"))
        .mapValues(out -> (FaceTrack) out, Named.as("as-track"))
        .to(topics.tracks(), Produced.with(Serdes.String(), serdes.tracks()).withName("face-tracks"));
    KStream<String, FaceEmotion> events = analysed
        .filter((camera, out) -> out instanceof FaceEmotion, Named.as("events-only"))
        .mapValues(out -> (FaceEmotion) out, Named.as("as-event"));
    events.to(topics.events(), Produced.with(Serdes.String(), serdes.events()).withName("face-emotions"));
    // one tally per frame (faces per label, analysed or shed), so that the window counts also say
    // how many of a camera's frames were looked at; it replaced the per-face "by-camera"
    // repartition topic, which an upgraded application no longer reads (it can be deleted)
    analysed.filter((camera, out) -> out instanceof EmotionStats, Named.as("tallies-only"))
        .mapValues(out -> (EmotionStats) out, Named.as("as-tally"))
        .groupByKey(Grouped.with("frames-by-camera", Serdes.String(), serdes.stats()))
        .windowedBy(TimeWindows.ofSizeAndGrace(window, grace))
        .aggregate(EmotionStatsAggregator::empty, EmotionStatsAggregator::add, Named.as("count-emotions"),
            Materialized.<String, EmotionStats, WindowStore<Bytes, byte[]>>as(STATS_STORE)
                .withKeySerde(Serdes.String()).withValueSerde(serdes.stats()))
        .toStream(Named.as("window-counts"))
        .map((key, value) -> KeyValue.pair(key.key(), EmotionStats.newBuilder(value)
            .setWindowStart(key.window().startTime()).setWindowEnd(key.window().endTime()).build()),
            Named.as("stamp-window"))
        .to(topics.stats(), Produced.with(Serdes.String(), serdes.stats()).withName("emotion-stats"));
    return builder.build();
  }
}
