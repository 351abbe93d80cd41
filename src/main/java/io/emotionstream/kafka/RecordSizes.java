package io.emotionstream.kafka;

import io.emotionstream.config.Settings;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;

/**
 * The Kafka record size every part of the path must allow so that a frame of up to
 * {@code frame.max-bytes} flows end to end: producers ({@code max.request.size}), the frames and
 * dead-letter topics ({@code max.message.bytes}), the processor's consumer
 * ({@code max.partition.fetch.bytes}, {@code fetch.max.bytes}) and producer. Kafka's defaults stop
 * at 1 MiB, which made every frame above it fail somewhere on the way.
 */
public final class RecordSizes {

  /**
   * Room above {@code frame.max-bytes} for the rest of a frame record: Avro framing and fields,
   * key, headers (the dead-letter topic adds a few hundred bytes of {@code dlq.*} headers) and the
   * record batch header. Camera ids, tags and headers are small; 1 MiB leaves them ample room.
   */
  public static final int HEADROOM = 1 << 20;

  private RecordSizes() {}

  /** Largest frame record: {@code frame.max-bytes} plus {@link #HEADROOM}. */
  public static int recordLimit(Settings settings) {
    long limit = settings.longValue("frame.max-bytes") + HEADROOM;
    if (settings.longValue("frame.max-bytes") <= 0 || limit > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("setting 'frame.max-bytes' = " + settings.longValue("frame.max-bytes")
          + " from " + settings.source("frame.max-bytes") + " must be positive and below 2 GiB");
    }
    return (int) limit;
  }

  /** Producer settings for frame-sized records (a record must also fit the producer's buffer). */
  public static Map<String, Object> producer(Settings settings) {
    int limit = recordLimit(settings);
    return Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, limit,
        ProducerConfig.BUFFER_MEMORY_CONFIG, Math.max(32L << 20, 2L * limit));
  }

  /**
   * Consumer settings: one fetch holds at most one frame-sized batch per partition and per request,
   * which bounds the consumer's memory (Kafka returns a larger first batch anyway, so no record
   * can stall a partition).
   */
  public static Map<String, Object> consumer(Settings settings) {
    int limit = recordLimit(settings);
    return Map.of(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, limit,
        ConsumerConfig.FETCH_MAX_BYTES_CONFIG, limit);
  }

  /** Topic-level settings of the frames and dead-letter topics. */
  public static Map<String, String> topic(Settings settings) {
    return Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(recordLimit(settings)));
  }
}
