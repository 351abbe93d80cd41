package io.emotionstream.stream;

import io.emotionstream.config.Settings;
import io.emotionstream.kafka.Topics;
import io.emotionstream.kafka.serde.SingleObjectAvroSerde;
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
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.Stores;

/**
 * {@code frames topic -> analyze (decode, detect, crop, classify) -> events topic}, keyed by camera
 * id end to end so that each camera's events keep the order of its frames; and, for dashboards,
 * per-camera emotion counts per time window of each camera's own time ({@link CameraWindows}), one
 * final record per camera and window to the stats topic, and a queryable store. Frames
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

  /**
   * Name of the store behind {@code /api/stats}: key the camera id and window start ({@link #statsKeyRange}),
   * value the window's counts so far (open windows) or final (closed ones, kept for
   * {@code stats.store-retention-minutes}).
   */
  public static final String STATS_STORE = CameraWindows.WINDOWS;

  /** Window length, grace period and store retention of the window counts ({@code stats.*}). */
  public record StatsWindows(Duration size, Duration grace, Duration retention) {

    /** {@code stats.window-seconds}, {@code stats.grace-seconds}, {@code stats.store-retention-minutes}. */
    public static StatsWindows from(Settings settings) {
      long size = settings.longValue("stats.window-seconds");
      long grace = settings.longValue("stats.grace-seconds");
      long retention = settings.longValue("stats.store-retention-minutes");
      if (size <= 0 || grace < 0 || retention < 0) {
        throw new IllegalArgumentException("settings 'stats.window-seconds' (" + size + ", from "
            + settings.source("stats.window-seconds") + ") must be positive, 'stats.grace-seconds' (" + grace + ", from "
            + settings.source("stats.grace-seconds") + ") and 'stats.store-retention-minutes' (" + retention + ", from "
            + settings.source("stats.store-retention-minutes") + ") not negative");
      }
      return new StatsWindows(Duration.ofSeconds(size), Duration.ofSeconds(grace), Duration.ofMinutes(retention));
    }
  }

  /** The first and last store key of a camera's windows, for range queries. */
  public static String[] statsKeyRange(String camera) {
    return CameraWindows.range(camera);
  }

  private EmotionTopology() {}

  /** Serdes and window of the topology. */
  public record TopologySerdes(Serde<CameraFrame> frames, Serde<FaceEmotion> events, Serde<EmotionStats> stats,
      Serde<FaceTrack> tracks) {}

  /**
   * @param spec what the topology wires together
   * @param streamsConfig the instance's Kafka Streams configuration (its topology-level settings
   *     apply, such as {@code buffered.records.per.partition})
   */
  public static Topology build(TopologySpec spec, Properties streamsConfig) {
    Topics topics = spec.topics();
    TopologySerdes serdes = spec.serdes();
    PolicyRefusals refusals = new PolicyRefusals(spec.stats(), System::currentTimeMillis);
    StreamsBuilder builder = new StreamsBuilder(
        new org.apache.kafka.streams.TopologyConfig(new org.apache.kafka.streams.StreamsConfig(streamsConfig)));
    // the tracker store: camera id -> its tracks, with a changelog topic so a restarted or
    // rebalanced instance continues the same tracks; internal, so always in Avro's single-object
    // encoding, whatever the wire format of the public topics
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(FrameTracks.STORE),
        Serdes.String(), new SingleObjectAvroSerde<>(TrackerState.class)));
    FrameShedder shedder = new FrameShedder(spec.maxAge(), Clock.systemUTC());
    KStream<String, SpecificRecord> analysed = builder
        .stream(topics.frames(), Consumed.with(Serdes.String(), serdes.frames()).withName("camera-frames"))
        .process(() -> new FrameProcessor(spec.analyzer(), spec.stats(), spec.tracking(), shedder, spec.timing(),
            Clock.systemUTC(), spec.policies(), refusals),
            Named.as("analyze-frame"), FrameTracks.STORE);
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
        .process(() -> new CameraWindows(spec.windows().size(), spec.windows().grace(), spec.windows().retention(),
            spec.stats()),
            Named.as("count-emotions"), CameraWindows.WINDOWS, CameraWindows.CLOCKS);
    windowCountsOut(finalWindows, spec.disclosure())
        // a zone's windows are keyed <camera>/<zone> and name their camera: they go to the zone stats topic
        .to((key, value, context) -> key.equals(value.getCameraId()) ? topics.stats() : topics.zoneStats(),
            Produced.with(Serdes.String(), serdes.stats()).withName("emotion-stats"));
    return builder.build();
  }

  /**
   * The one place the final window counts pass on their way to the stats topics (key: camera id,
   * or camera/zone; at most one record per key and window): the disclosure step
   * ({@link StatsDisclosure}) sees and changes every window record before it leaves.
   */
  private static KStream<String, EmotionStats> windowCountsOut(KStream<String, EmotionStats> finalWindows,
      StatsDisclosure disclosure) {
    return finalWindows.processValues(() -> new Disclose(disclosure), Named.as("disclose-counts"));
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
