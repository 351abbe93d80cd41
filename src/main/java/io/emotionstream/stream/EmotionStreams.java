package io.emotionstream.stream;

import io.emotionstream.analysis.FrameAnalyzer;
import io.emotionstream.config.Settings;
import io.emotionstream.kafka.RecordSizes;
import io.emotionstream.kafka.TopicCreator;
import io.emotionstream.kafka.Topics;
import io.emotionstream.kafka.serde.AvroSerdes;
import io.emotionstream.policy.CameraFileWatcher;
import io.emotionstream.policy.CameraPolicies;
import io.emotionstream.policy.CameraPolicy;
import io.emotionstream.policy.StatsDisclosure;
import io.emotionstream.schema.CameraFrame;
import io.emotionstream.schema.EmotionStats;
import io.emotionstream.schema.FaceEmotion;
import io.emotionstream.schema.FaceTrack;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka Streams application of a processor instance: the topology on a {@link KafkaStreams}
 * client, with its counters and camera policies (the {@code processor} package assembles the rest
 * around it). Instances that share {@code application.id} split the frames topic's partitions
 * between them.
 *
 * <p>The constructor reads one thing from the cluster: the dead-letter topic's
 * {@code max.message.bytes} through the Admin API (a dead letter must fit the topic as it is; an
 * unreachable cluster or a missing topic gives the record limit, with a warning). It must be known
 * before the Kafka Streams client is built, whose configuration cannot change afterwards. Topics
 * are created, schemas declared and records read or written only from {@link #start()} on.
 *
 * <p>The camera policies come from the camera file ({@code cameras.file}), read when the processor
 * is built (a file that cannot be used is an error then) and again every
 * {@code cameras.reload-ms} from {@link #start()} on.
 */
public final class EmotionStreams implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmotionStreams.class);

  private final Settings settings;
  private final Topics topics;
  private final AvroSerdes serdes;
  private final KafkaStreams streams;
  private final FrameStats stats;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final KafkaStreamsMetrics streamsMetrics;
  private volatile long runningSince;
  private final List<KafkaStreams.State> states = new CopyOnWriteArrayList<>();
  private final CameraFileWatcher cameras;
  private final StatsDisclosure disclosure;

  public EmotionStreams(Settings settings, FrameAnalyzer analyzer) {
    this(settings, analyzer, new SimpleMeterRegistry());
  }

  /** @param registry where the frame counters and Kafka Streams' client metrics are registered */
  public EmotionStreams(Settings settings, FrameAnalyzer analyzer, MeterRegistry registry) {
    this.settings = settings;
    this.topics = Topics.from(settings);
    this.serdes = AvroSerdes.from(settings);
    this.stats = new FrameStats(registry, new CameraMeters.Limits(settings.integer("metrics.cameras.max"),
        Duration.ofMillis(settings.longValue("metrics.cameras.idle-ms"))));
    this.disclosure = StatsDisclosure.from(settings);
    this.cameras = CameraFileWatcher.from(settings);
    logPolicies(cameras.get());
    Properties streamsConfig = StreamsProperties.from(settings, stats);
    Topology topology = EmotionTopology.build(TopologySpec.from(settings,
        new EmotionTopology.TopologySerdes(serdes.serde(CameraFrame.class), serdes.serde(FaceEmotion.class),
            serdes.serde(EmotionStats.class), serdes.serde(FaceTrack.class)),
        analyzer, stats, cameras, disclosure), streamsConfig);
    if (settings.bool("dead-letter.keep-pixels")) {
      LOG.warn("dead-letter.keep-pixels is on (from {}): rejected frames are kept with their pixels on {} for {}",
          settings.source("dead-letter.keep-pixels"), topics.deadLetter(),
          io.emotionstream.policy.RetentionPolicy.describe(settings.longValue("retention.dead-letter-ms")));
    }
    // a dead letter must fit the dead-letter topic as it is, which may predate this instance (a topic
    // that does not exist yet is created by start() with the record limit)
    int recordLimit = RecordSizes.recordLimit(settings);
    streamsConfig.put(DeadLetterHandler.MAX_RECORD_BYTES_CONFIG,
        Math.min(recordLimit, TopicCreator.maxMessageBytes(settings, topics.deadLetter(), recordLimit)));
    LOG.info("topology:\n{}", topology.describe());
    this.streams = new KafkaStreams(topology, streamsConfig);
    io.micrometer.core.instrument.FunctionCounter.builder("emotionstream.schema.registry.waits", serdes,
        AvroSerdes::registryWaits).description("reads and writes that waited for an unavailable schema registry")
        .register(registry);
    this.streamsMetrics = new KafkaStreamsMetrics(streams);
    streamsMetrics.bindTo(registry);
    // A failure that escapes the error handlers (a broker or registry outage, a bug) restarts the
    // thread instead of killing the instance; the uncommitted frames are then processed again.
    streams.setUncaughtExceptionHandler(e -> {
      LOG.error("stream thread failed, replacing it", e);
      return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
    });
    streams.setStateListener((now, before) -> {
      LOG.info("processor state {} -> {}", before, now);
      states.add(now);
      if (now == KafkaStreams.State.RUNNING) {
        runningSince = System.nanoTime();
      }
      if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
        stopped.countDown();
      }
    });
  }

  private static void logPolicies(CameraPolicies policies) {
    LOG.info("camera policies from {}", policies);
    for (CameraPolicy camera : policies.all()) {
      LOG.info("  {}", camera.describe());
    }
    if (policies.all().stream().noneMatch(CameraPolicy::analysed)) {
      LOG.warn("no camera is opted in to emotion inference ({}): every frame will be counted, not analysed;"
          + " list the cameras in the camera file (cameras.file) with emotion: true, their context and purpose",
          policies.source());
    }
  }

  /**
   * Creates the missing topics when {@code topics.create} is on, declares the schemas of the
   * topics it writes (refused when one breaks {@code schema.compatibility}: nothing is written then),
   * starts following the camera file, then starts the streams.
   *
   * @throws io.emotionstream.kafka.serde.IncompatibleSchemaException naming the topic, schema and subject
   */
  public void start() {
    if (settings.bool("topics.create")) {
      TopicCreator.ensure(settings, topics);
    }
    serdes.declareWriters(writtenTypes(topics));
    cameras.start();
    streams.start();
  }

  /** The camera policies in force, and the file they come from. */
  public CameraFileWatcher cameraPolicies() {
    return cameras;
  }

  /** What of the window counts may leave the processor. */
  public StatsDisclosure statsDisclosure() {
    return disclosure;
  }

  /** The value type of each topic the processor writes (the dead-letter topic keeps the original bytes). */
  public static Map<String, Class<? extends SpecificRecord>> writtenTypes(Topics topics) {
    Map<String, Class<? extends SpecificRecord>> types = new LinkedHashMap<>();
    types.put(topics.events(), FaceEmotion.class);
    types.put(topics.tracks(), FaceTrack.class);
    types.put(topics.stats(), EmotionStats.class);
    types.put(topics.zoneStats(), EmotionStats.class);
    return types;
  }

  /** Waits until the instance is RUNNING (partitions assigned). */
  public boolean awaitRunning(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (streams.state() != KafkaStreams.State.RUNNING) {
      if (System.nanoTime() > deadline || !streams.state().isRunningOrRebalancing() && streams.state() != KafkaStreams.State.CREATED) {
        return false;
      }
      Thread.sleep(50);
    }
    return true;
  }

  /** Blocks until the instance stops. */
  public void awaitStop() throws InterruptedException {
    stopped.await();
  }

  public boolean awaitStop(Duration timeout) throws InterruptedException {
    return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  /**
   * Seconds since the freshest heartbeat any stream thread's consumer sent to its group coordinator
   * (Kafka's {@code last-heartbeat-seconds-ago}); empty before the first one. Heartbeats stop while
   * no broker can be reached, so this grows during an outage although the state stays RUNNING.
   */
  public java.util.OptionalDouble secondsSinceBrokerContact() {
    long since = runningSince;
    // a consumer that has sent no heartbeat since it joined reports -1: it was in contact when
    // the group last settled, which is when the instance became RUNNING (measured: both stream
    // threads can report -1 for tens of seconds after RUNNING)
    double sinceRunning = since == 0 ? Double.MAX_VALUE : (System.nanoTime() - since) / 1e9;
    double heartbeat = streams.metrics().entrySet().stream()
        .filter(e -> e.getKey().name().equals("last-heartbeat-seconds-ago")
            && e.getKey().group().equals("consumer-coordinator-metrics"))
        .map(e -> e.getValue().metricValue())
        .filter(v -> v instanceof Number n && n.doubleValue() >= 0 && Double.isFinite(n.doubleValue()))
        .mapToDouble(v -> ((Number) v).doubleValue())
        .min().orElse(Double.MAX_VALUE);
    double silence = Math.min(heartbeat, sinceRunning);
    return silence == Double.MAX_VALUE ? java.util.OptionalDouble.empty() : java.util.OptionalDouble.of(silence);
  }

  public FrameStats stats() {
    return stats;
  }

  /**
   * Why the schema registry cannot be used now (stream threads wait for it: back-pressure), or null
   * when it answers or the wire format needs none.
   */
  public String registryProblem() {
    return serdes.registryProblem();
  }

  /** Every state the instance went through since it started, in order. */
  public List<KafkaStreams.State> stateHistory() {
    return List.copyOf(states);
  }

  /** The running Kafka Streams instance, for interactive queries. */
  public KafkaStreams streams() {
    return streams;
  }

  /**
   * Stops the streams. With {@code group.leave-on-close} (the default) the instance leaves the group
   * as it goes, static members included, so that its partitions move to the others at once; Kafka
   * Streams' own default (classic protocol) stays in the group, and the partitions then waited for
   * {@code group.session-timeout-ms} (README, "Restarts", measured).
   */
  @Override
  public void close() {
    cameras.close();
    serdes.close(); // threads waiting for the registry stop waiting
    CloseOptions.GroupMembershipOperation membership = settings.bool("group.leave-on-close")
        ? CloseOptions.GroupMembershipOperation.LEAVE_GROUP : CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP;
    streams.close(CloseOptions.groupMembershipOperation(membership).withTimeout(Duration.ofSeconds(30)));
    streamsMetrics.close();
  }
}
