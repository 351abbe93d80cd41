package io.emotionstream.stream;

import io.emotionstream.config.Settings;
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
    p.put(FrameShedder.MAX_AGE_CONFIG, Long.toString(settings.longValue("frame.max-age-ms")));
    // A frame takes tens to hundreds of milliseconds: fetch few at a time so that a poll loop
    // never comes near max.poll.interval.ms.
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 50);
    // Frames are large (a 1280 px JPEG is about 200 KB): with Kafka Streams' default of 1,000
    // buffered records per partition, a backlog on 6 partitions holds about 1.2 GB of frames in the
    // heap. 50 (one poll) keeps a backlog in Kafka and an overloaded instance's memory flat.
    p.put(StreamsConfig.BUFFERED_RECORDS_PER_PARTITION_CONFIG, 50);
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir(settings.string("application.id")));
    String advertised = settings.string("ops.advertised-address", "");
    if (!advertised.isBlank()) {
      p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, advertised);
    }
    p.putAll(settings.kafkaOverrides());
    return p;
  }

  private static String stateDir(String applicationId) {
    try {
      return Files.createTempDirectory(applicationId + "-state").toString();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot create a Kafka Streams state directory", e);
    }
  }
}
