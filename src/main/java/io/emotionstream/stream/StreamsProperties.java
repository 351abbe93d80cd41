package io.emotionstream.stream;

import io.emotionstream.config.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;

/** Kafka Streams configuration from the project's settings. */
public final class StreamsProperties {

  private StreamsProperties() {}

  public static Properties from(Settings settings, FrameStats stats) {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.string("application.id"));
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, settings.string("bootstrap.servers"));
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, settings.integer("stream.threads"));
    String guarantee = settings.string("processing.guarantee");
    if (!guarantee.equals(StreamsConfig.AT_LEAST_ONCE) && !guarantee.equals(StreamsConfig.EXACTLY_ONCE_V2)) {
      throw new IllegalArgumentException("setting 'processing.guarantee' = '" + guarantee + "' from "
          + settings.source("processing.guarantee") + " is not at_least_once or exactly_once_v2");
    }
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, settings.longValue("commit.interval.ms"));
    p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class);
    p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class);
    p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    p.put(DeadLetterHandler.TOPIC_CONFIG, settings.string("topic.dead-letter"));
    p.put(DeadLetterHandler.STATS_CONFIG, stats);
    // A frame takes tens to hundreds of milliseconds: fetch few at a time so that a poll loop
    // never comes near max.poll.interval.ms.
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 50);
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir(settings));
    // Static membership: a member that comes back under the same id (a container restarted after
    // kill -9 or OOM keeps its pod name) takes its partitions back at once, without a rebalance and
    // without the group waiting out the dead member's session. Kafka Streams appends "-<thread>".
    String instanceId = settings.string("group.instance.id", "").trim();
    if (!instanceId.isEmpty()) {
      p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), instanceId);
    }
    p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG),
        settings.integer("group.session-timeout-ms"));
    String advertised = settings.string("ops.advertised-address", "");
    if (!advertised.isBlank()) {
      p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, advertised);
    }
    p.putAll(settings.kafkaOverrides());
    return p;
  }

  /**
   * {@code stream.state-dir}, created when missing: Kafka Streams keeps the window store there
   * (under the application id), so a restarted instance reuses its local state instead of
   * restoring it from the changelog topic.
   */
  static String stateDir(Settings settings) {
    Path dir = Path.of(settings.string("stream.state-dir")).toAbsolutePath().normalize();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the Kafka Streams state directory " + dir + " (setting"
          + " 'stream.state-dir' from " + settings.source("stream.state-dir") + "): " + e, e);
    }
    return dir.toString();
  }
}
