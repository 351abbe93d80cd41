package io.emotionstream.stream;

import io.emotionstream.analysis.FrameAnalyzer;
import io.emotionstream.config.Settings;
import io.emotionstream.kafka.RecordSizes;
import io.emotionstream.kafka.TopicCreator;
import io.emotionstream.kafka.Topics;
import io.emotionstream.kafka.serde.AvroSerdes;
import io.emotionstream.schema.CameraFrame;
import io.emotionstream.schema.EmotionStats;
import io.emotionstream.schema.FaceEmotion;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running processor instance: the topology on Kafka Streams, with its counters. Instances that
 * share {@code application.id} split the frames topic's partitions between them.
 */
public final class EmotionProcessor implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmotionProcessor.class);

  private final KafkaStreams streams;
  private final FrameStats stats;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final KafkaStreamsMetrics streamsMetrics;
  private final java.util.List<KafkaStreams.State> states = new java.util.concurrent.CopyOnWriteArrayList<>();

  public EmotionProcessor(Settings settings, FrameAnalyzer analyzer) {
    this(settings, analyzer, new SimpleMeterRegistry());
  }

  /** @param registry where the frame counters and Kafka Streams' client metrics are registered */
  public EmotionProcessor(Settings settings, FrameAnalyzer analyzer, MeterRegistry registry) {
    Topics topics = Topics.from(settings);
    AvroSerdes serdes = AvroSerdes.from(settings);
    this.stats = new FrameStats(registry);
    Properties streamsConfig = StreamsProperties.from(settings, stats);
    Topology topology = EmotionTopology.build(topics,
        new EmotionTopology.TopologySerdes(serdes.serde(CameraFrame.class), serdes.serde(FaceEmotion.class),
            serdes.serde(EmotionStats.class)),
        Duration.ofSeconds(settings.longValue("stats.window-seconds")),
        Duration.ofSeconds(settings.longValue("stats.grace-seconds")), analyzer, stats, streamsConfig);
    if (settings.bool("topics.create")) {
      TopicCreator.ensure(settings, topics);
    }
    // a dead letter must fit the dead-letter topic as it is, which may predate this instance
    int recordLimit = RecordSizes.recordLimit(settings);
    streamsConfig.put(DeadLetterHandler.MAX_RECORD_BYTES_CONFIG,
        Math.min(recordLimit, TopicCreator.maxMessageBytes(settings, topics.deadLetter(), recordLimit)));
    LOG.info("topology:\n{}", topology.describe());
    this.streams = new KafkaStreams(topology, streamsConfig);
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
      if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
        stopped.countDown();
      }
    });
  }

  public void start() {
    streams.start();
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

  public FrameStats stats() {
    return stats;
  }

  /** Every state the instance went through since it started, in order. */
  public java.util.List<KafkaStreams.State> stateHistory() {
    return java.util.List.copyOf(states);
  }

  /** The running Kafka Streams instance, for interactive queries. */
  public KafkaStreams streams() {
    return streams;
  }

  @Override
  public void close() {
    streams.close(Duration.ofSeconds(30));
    streamsMetrics.close();
  }
}
