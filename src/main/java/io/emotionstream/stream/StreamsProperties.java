package io.emotionstream.stream;

import io.emotionstream.config.Settings;
import io.emotionstream.kafka.RecordSizes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/** Kafka Streams configuration from the project's settings. */
public final class StreamsProperties {

  private StreamsProperties() {}

  public static Properties from(Settings settings, FrameStats stats) {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.string("application.id"));
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, settings.string("bootstrap.servers"));
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, settings.threads("stream.threads"));
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
    // Kafka's default handler fails the send, and the stored error then surfaces while the *next*
    // record is processed: under at-least-once that record was dead-lettered instead; under
    // exactly_once_v2 the task never got past it. Ours settles each failed write for its own record.
    p.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class);
    p.put(DeadLetterHandler.TOPIC_CONFIG, settings.string("topic.dead-letter"));
    p.put(DeadLetterHandler.MAX_RECORD_BYTES_CONFIG, RecordSizes.recordLimit(settings));
    // a dead letter keeps the rejected frame's pixels only when asked to (debugging)
    p.put(DeadLetterHandler.KEEP_VALUE_CONFIG, Boolean.toString(settings.bool("dead-letter.keep-pixels")));
    RecordSizes.producer(settings).forEach((k, v) -> p.put(StreamsConfig.producerPrefix(k), v));
    // Kafka Streams lets its producer wait up to 100 ms to fill a batch; events are about 1 KB and
    // their readers want them now (see events.linger-ms in the properties for the measurement)
    p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), settings.integer("events.linger-ms"));
    RecordSizes.consumer(settings).forEach((k, v) -> p.put(StreamsConfig.mainConsumerPrefix(k), v));
    // Kafka Streams keeps up to 1000 records per partition by default: with frames of up to
    // frame.max-bytes that alone could hold gigabytes. A frame takes tens of milliseconds at least,
    // so a few buffered frames per partition keep every thread busy.
    p.put(StreamsConfig.BUFFERED_RECORDS_PER_PARTITION_CONFIG, settings.integer("stream.buffered-frames-per-partition"));
    if (guarantee.equals(StreamsConfig.EXACTLY_ONCE_V2)) {
      // a transaction spans commit.interval.ms plus the frames in flight; Kafka Streams' 10 s
      // default left no room for the slowest allowed frame on a busy instance (see README)
      p.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG),
          settings.integer("transaction.timeout.ms"));
    }
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
    p.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class);
    p.put(BoundedRocksDbMemory.BUDGET_BYTES_CONFIG, rocksDbBudgetBytes(settings));
    String advertised = settings.string("ops.advertised-address", "");
    if (!advertised.isBlank()) {
      p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, advertised);
    }
    p.putAll(settings.kafkaOverrides());
    return p;
  }

  /** {@code stream.rocksdb.memory-mb} in bytes: at least 16 MB, so that a memtable still fits. */
  static long rocksDbBudgetBytes(Settings settings) {
    long mb = settings.longValue("stream.rocksdb.memory-mb");
    if (mb < 16) {
      throw new IllegalArgumentException("setting 'stream.rocksdb.memory-mb' = " + mb + " from "
          + settings.source("stream.rocksdb.memory-mb") + " is below 16");
    }
    return mb << 20;
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
