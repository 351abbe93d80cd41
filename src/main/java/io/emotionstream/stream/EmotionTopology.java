package io.emotionstream.stream;

import io.emotionstream.analysis.FrameAnalyzer;
import io.emotionstream.kafka.Topics;
import io.emotionstream.kafka.serde.SingleObjectAvroSerde;
import io.emotionstream.policy.CameraPolicies;
import io.emotionstream.policy.StatsDisclosure;
import io.emotionstream.schema.CameraFrame;
import io.emotionstream.schema.EmotionStats;
import io.emotionstream.schema.FaceEmotion;
import io.emotionstream.schema.FaceTrack;
import io.emotionstream.schema.TrackerState;
import java.time.Duration;
import java.time.Clock;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
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
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * {@code frames topic -> analyze (decode, detect, crop, classify) -> events topic}, keyed by camera
 * id end to end so that each camera's events keep the order of its frames; and, for dashboards,
 * per-camera emotion counts per time window to the stats topic and a queryable store. Frames
 * older than {@code frame.max-age-ms} are shed ({@link FrameShedder}) and counted in those
 * windows. Rejected records go to the dead-letter topic through {@link DeadLetterHandler},
 * configured in {@link StreamsProperties}.
 *
 * <p>Frames of cameras the camera policy does not allow are only counted ({@link FrameProcessor}).
 * Window counts leave through {@link StatsDisclosure} (small counts suppressed, track ids left
 * out); a camera's zones are counted in windows of their own, keyed {@code <camera>/<zone>}, on the
 * zone stats topic.
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
      FrameAnalyzer analyzer, FrameStats stats, TrackSettings tracking, Supplier<CameraPolicies> policies,
      StatsDisclosure disclosure, Properties streamsConfig) {
    PolicyRefusals refusals = new PolicyRefusals(stats, System::currentTimeMillis);
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
        .process(() -> new FrameProcessor(analyzer, stats, tracking, shedder, maxClockSkew, policies, refusals),
            Named.as("analyze-frame"), FrameTracks.STORE);
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
        .processValues(() -> new Disclose(disclosure), Named.as("disclose-counts"))
        // a zone's windows are keyed <camera>/<zone> and name their camera: they go to the zone stats topic
        .to((key, value, context) -> key.equals(value.getCameraId()) ? topics.stats() : topics.zoneStats(),
            Produced.with(Serdes.String(), serdes.stats()).withName("emotion-stats"));
    return builder.build();
  }

  /**
   * The window counts as they may leave ({@link StatsDisclosure}), with headers saying the
   * threshold and whether the window was suppressed (instead of whatever headers the frame that
   * updated the window carried).
   */
  private static final class Disclose implements FixedKeyProcessor<String, EmotionStats, EmotionStats> {
    private final StatsDisclosure disclosure;
    private FixedKeyProcessorContext<String, EmotionStats> context;

    Disclose(StatsDisclosure disclosure) {
      this.disclosure = disclosure;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, EmotionStats> context) {
      this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, EmotionStats> record) {
      RecordHeaders headers = new RecordHeaders();
      headers.add(StatsDisclosure.MIN_PEOPLE_HEADER,
          Integer.toString(disclosure.minPeople()).getBytes(StandardCharsets.UTF_8));
      if (disclosure.suppresses(record.value())) {
        headers.add(StatsDisclosure.SUPPRESSED_HEADER, "true".getBytes(StandardCharsets.UTF_8));
      }
      context.forward(record.withValue(disclosure.apply(record.value())).withHeaders(headers));
    }
  }
}
