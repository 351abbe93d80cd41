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
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * {@code frames topic -> analyze (decode, detect, crop, classify) -> events topic}, keyed by camera
 * id end to end so that each camera's events keep the order of its frames; and, for dashboards,
 * per-camera emotion counts per time window of each camera's own time ({@link CameraWindows}), one
 * final record per camera and window to the stats topic, and a queryable store. Frames
 * older than {@code frame.max-age-ms} are shed ({@link FrameShedder}) and counted in those
 * windows. Rejected records go to the dead-letter topic through {@link DeadLetterHandler},
 * configured in {@link StreamsProperties}.
 */
public final class EmotionTopology {

  /**
   * Name of the store behind {@code /api/stats}: key the camera id and window start ({@link #statsKeyRange}),
   * value the window's counts so far (open windows) or final (closed ones, kept for
   * {@code stats.store-retention-minutes}).
   */
  public static final String STATS_STORE = CameraWindows.WINDOWS;

  /** Window length, grace period and store retention of the window counts ({@code stats.*}). */
  public record StatsWindows(Duration size, Duration grace, Duration retention) {}

  /** The first and last store key of a camera's windows, for range queries. */
  public static String[] statsKeyRange(String camera) {
    return CameraWindows.range(camera);
  }

  private EmotionTopology() {}

  /** Serdes and window of the topology. */
  public record TopologySerdes(Serde<CameraFrame> frames, Serde<FaceEmotion> events, Serde<EmotionStats> stats,
      Serde<FaceTrack> tracks) {}

  /** @param streamsConfig the instance's Kafka Streams configuration (topology-level settings apply) */
  public static Topology build(Topics topics, TopologySerdes serdes, StatsWindows statsWindows,
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
    // one tally per frame (faces per label, analysed or shed, at the frame's time) into per-camera
    // windows on each camera's own time; a window leaves once, final (CameraWindows)
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CameraWindows.WINDOWS),
        Serdes.String(), new SingleObjectAvroSerde<>(EmotionStats.class)));
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CameraWindows.CLOCKS),
        Serdes.String(), Serdes.Long()));
    KStream<String, EmotionStats> finalWindows = analysed
        .filter((camera, out) -> out instanceof EmotionStats, Named.as("tallies-only"))
        .mapValues(out -> (EmotionStats) out, Named.as("as-tally"))
        .process(() -> new CameraWindows(statsWindows.size(), statsWindows.grace(), statsWindows.retention(), stats),
            Named.as("count-emotions"), CameraWindows.WINDOWS, CameraWindows.CLOCKS);
    windowCountsOut(finalWindows)
        .to(topics.stats(), Produced.with(Serdes.String(), serdes.stats()).withName("emotion-stats"));
    return builder.build();
  }

  /**
   * The one place the final window counts pass on their way to the stats topic (key: camera id, one
   * record per camera and window): a step that must see or change every window record before it
   * leaves (a policy filter) goes here.
   */
  private static KStream<String, EmotionStats> windowCountsOut(KStream<String, EmotionStats> finalWindows) {
    return finalWindows;
  }
}
