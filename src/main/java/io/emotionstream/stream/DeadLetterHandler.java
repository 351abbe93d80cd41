package io.emotionstream.stream;

import io.emotionstream.analysis.FrameRejectedException;
import io.emotionstream.analysis.RejectReason;
import io.emotionstream.kafka.serde.RecordDecodeException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams' own error hooks, pointed at the dead-letter topic: records that do not
 * deserialize and frames the processor rejects are written there with their original key and value
 * bytes, their original headers, and {@code dlq.*} headers saying why and where they came from;
 * the stream resumes with the next record. Each reason is counted in {@link FrameStats}.
 */
public final class DeadLetterHandler implements DeserializationExceptionHandler, ProcessingExceptionHandler {

  /** Config key (in the Streams properties) naming the dead-letter topic. */
  public static final String TOPIC_CONFIG = "emotionstream.dead-letter.topic";
  /** Config key holding the {@link FrameStats} instance to count into. */
  public static final String STATS_CONFIG = "emotionstream.frame-stats";

  public static final String REASON = "dlq.reason";
  public static final String DETAIL = "dlq.detail";
  public static final String EXCEPTION = "dlq.exception";
  public static final String SOURCE_TOPIC = "dlq.source.topic";
  public static final String SOURCE_PARTITION = "dlq.source.partition";
  public static final String SOURCE_OFFSET = "dlq.source.offset";
  public static final String PROCESSOR = "dlq.processor";

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterHandler.class);

  private String topic;
  private FrameStats stats;

  @Override
  public void configure(Map<String, ?> configs) {
    Object t = configs.get(TOPIC_CONFIG);
    if (t == null || t.toString().isBlank()) {
      throw new IllegalArgumentException(TOPIC_CONFIG + " is not set: no dead-letter topic to write to");
    }
    topic = t.toString();
    stats = configs.get(STATS_CONFIG) instanceof FrameStats s ? s : new FrameStats();
  }

  @Override
  public DeserializationExceptionHandler.Response handleError(ErrorHandlerContext context,
      ConsumerRecord<byte[], byte[]> record, Exception exception) {
    RejectReason reason = exception instanceof RecordDecodeException d
        && d.reason() == RecordDecodeException.Reason.UNKNOWN_SCHEMA
        ? RejectReason.UNKNOWN_SCHEMA : RejectReason.DESERIALIZATION_FAILED;
    ProducerRecord<byte[], byte[]> dead = deadLetter(context, record.key(), record.value(), record.headers(),
        reason, exception);
    return DeserializationExceptionHandler.Response.resume(List.of(dead));
  }

  @Override
  public ProcessingExceptionHandler.Response handleError(ErrorHandlerContext context, Record<?, ?> record,
      Exception exception) {
    RejectReason reason = exception instanceof FrameRejectedException r ? r.reason() : RejectReason.PROCESSING_FAILED;
    ProducerRecord<byte[], byte[]> dead = deadLetter(context, context.sourceRawKey(), context.sourceRawValue(),
        context.headers(), reason, exception);
    return ProcessingExceptionHandler.Response.resume(List.of(dead));
  }

  private ProducerRecord<byte[], byte[]> deadLetter(ErrorHandlerContext context, byte[] key, byte[] value,
      Headers original, RejectReason reason, Exception exception) {
    stats.recordDeadLetter(reason);
    LOG.warn("dead-lettering record {}-{}@{} to {}: {}", context.topic(), context.partition(), context.offset(),
        topic, exception.getMessage());
    Headers headers = new RecordHeaders(original == null ? new RecordHeaders().toArray() : original.toArray());
    add(headers, REASON, reason.code());
    add(headers, DETAIL, String.valueOf(exception.getMessage()));
    add(headers, EXCEPTION, exception.getClass().getName());
    add(headers, SOURCE_TOPIC, context.topic());
    add(headers, SOURCE_PARTITION, Integer.toString(context.partition()));
    add(headers, SOURCE_OFFSET, Long.toString(context.offset()));
    add(headers, PROCESSOR, String.valueOf(context.processorNodeId()));
    return new ProducerRecord<>(topic, null, key, value, headers);
  }

  private static void add(Headers headers, String key, String value) {
    headers.remove(key);
    headers.add(key, value.getBytes(StandardCharsets.UTF_8));
  }
}
