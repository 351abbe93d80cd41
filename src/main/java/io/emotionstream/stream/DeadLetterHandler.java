package io.emotionstream.stream;

import io.emotionstream.analysis.FrameRejectedException;
import io.emotionstream.analysis.RejectReason;
import io.emotionstream.kafka.serde.RecordDecodeException;
import io.emotionstream.policy.Untrusted;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams' own error hooks, pointed at the dead-letter topic: records that do not
 * deserialize and frames the processor rejects are written there with their original key, their
 * original headers, and {@code dlq.*} headers saying why and where they came from; the stream
 * resumes with the next record. Each reason is counted in {@link FrameStats}.
 *
 * <p>The rejected value (a camera frame: pixels of people) is not kept by default: the dead letter
 * carries its size ({@link #VALUE_SIZE}), its SHA-256 ({@link #VALUE_SHA256}) and
 * {@link #VALUE_OMITTED}, and no value. With {@link #KEEP_VALUE_CONFIG} ({@code
 * dead-letter.keep-pixels=true}, for debugging) the original bytes are kept, as below.
 *
 * <p>A dead-letter record never exceeds {@link #MAX_RECORD_BYTES_CONFIG} (the smaller of the
 * producer's {@code max.request.size} and the dead-letter topic's {@code max.message.bytes}): a
 * larger original value is cut to a prefix, marked with {@link #VALUE_TRUNCATED} and its
 * {@link #VALUE_SIZE}. As the production exception handler it settles every failed write for the
 * record that caused it (a dead-letter copy of the source record, or of the dead letter without its
 * value), so that no failure is ever charged to the next record.
 */
public final class DeadLetterHandler implements DeserializationExceptionHandler, ProcessingExceptionHandler,
    ProductionExceptionHandler {

  /** Config key (in the Streams properties) naming the dead-letter topic. */
  public static final String TOPIC_CONFIG = "emotionstream.dead-letter.topic";
  /** Config key holding the {@link FrameStats} instance to count into. */
  public static final String STATS_CONFIG = "emotionstream.frame-stats";
  /** Config key: the largest dead-letter record, in bytes (key, value, headers and batch overhead). */
  public static final String MAX_RECORD_BYTES_CONFIG = "emotionstream.dead-letter.max-record-bytes";

  public static final String REASON = "dlq.reason";
  public static final String DETAIL = "dlq.detail";
  public static final String EXCEPTION = "dlq.exception";
  public static final String SOURCE_TOPIC = "dlq.source.topic";
  public static final String SOURCE_PARTITION = "dlq.source.partition";
  public static final String SOURCE_OFFSET = "dlq.source.offset";
  public static final String PROCESSOR = "dlq.processor";
  /** {@code true} when the value is only the first bytes of the original value. */
  public static final String VALUE_TRUNCATED = "dlq.value.truncated";
  /** Size in bytes of the original value, on truncated dead letters and those without their value. */
  public static final String VALUE_SIZE = "dlq.value.size";
  /** SHA-256 (hex) of the original value, on dead letters without their value. */
  public static final String VALUE_SHA256 = "dlq.value.sha256";
  /** {@code true} when the original value was left out ({@code dead-letter.keep-pixels=false}). */
  public static final String VALUE_OMITTED = "dlq.value.omitted";
  /** Config key: whether dead letters keep the original value ({@code dead-letter.keep-pixels}); absent: no. */
  public static final String KEEP_VALUE_CONFIG = "emotionstream.dead-letter.keep-value";

  /**
   * Bytes a record needs besides its key, value and header bytes: record batch header (61),
   * per-record and per-header lengths as varints; rounded up generously.
   */
  static final int RECORD_OVERHEAD = 1024;

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterHandler.class);

  private String topic;
  private FrameStats stats;
  private int maxRecordBytes = Integer.MAX_VALUE;
  private boolean keepValue;

  @Override
  public void configure(Map<String, ?> configs) {
    Object t = configs.get(TOPIC_CONFIG);
    if (t == null || t.toString().isBlank()) {
      throw new IllegalArgumentException(TOPIC_CONFIG + " is not set: no dead-letter topic to write to");
    }
    topic = t.toString();
    stats = configs.get(STATS_CONFIG) instanceof FrameStats s ? s : new FrameStats();
    Object max = configs.get(MAX_RECORD_BYTES_CONFIG);
    if (max != null) {
      maxRecordBytes = Integer.parseInt(max.toString());
    }
    keepValue = Boolean.parseBoolean(String.valueOf(configs.get(KEEP_VALUE_CONFIG)));
  }

  @Override
  public DeserializationExceptionHandler.Response handleError(ErrorHandlerContext context,
      ConsumerRecord<byte[], byte[]> record, Exception exception) {
    if (registryUnavailable(exception)) {
      // not the record's fault: the thread fails and is replaced, and its replacement reads the
      // record again (RegistryOutageWait already waited schema.registry.outage-wait-ms for the registry)
      LOG.error("not dead-lettering {}-{}@{}: {}; replacing the stream thread, which reads it again",
          context.topic(), context.partition(), context.offset(), Untrusted.printable(exception.getMessage()));
      return DeserializationExceptionHandler.Response.fail();
    }
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
    if (record == null || fromPunctuation(context)) {
      // a punctuation (the wall-clock checks that end the tracks and windows of silent cameras) has
      // no record to dead-letter: it is logged and counted, and the thread goes on (it used to build
      // a dead letter of nothing, fail, and take the stream thread down with it)
      stats.recordPunctuationError(String.valueOf(context.processorNodeId()));
      LOG.error("punctuation of {} in task {} failed; the stream thread goes on: {}", context.processorNodeId(),
          context.taskId(), Untrusted.printable(String.valueOf(exception)), exception);
      return ProcessingExceptionHandler.Response.resume();
    }
    if (registryUnavailable(exception)) {
      LOG.error("not dead-lettering {}-{}@{}: {}; replacing the stream thread, which processes it again",
          context.topic(), context.partition(), context.offset(), Untrusted.printable(exception.getMessage()));
      return ProcessingExceptionHandler.Response.fail();
    }
    if (isEarlierSendFailure(exception)) {
      // a write that failed for an earlier record, surfacing now: this record is not to blame, so
      // the thread fails (and is replaced) and the records since the last commit are processed again
      LOG.error("a write failed for an earlier record; not dead-lettering {}-{}@{} for it", context.topic(),
          context.partition(), context.offset(), exception);
      return ProcessingExceptionHandler.Response.fail();
    }
    RejectReason reason = exception instanceof FrameRejectedException r ? r.reason() : RejectReason.PROCESSING_FAILED;
    ProducerRecord<byte[], byte[]> dead = deadLetter(context, context.sourceRawKey(), context.sourceRawValue(),
        context.headers(), reason, exception);
    return ProcessingExceptionHandler.Response.resume(List.of(dead));
  }

  /**
   * A failed write of an output record. Retriable errors are retried (Kafka Streams re-processes
   * the task from its last commit). Any other error is settled here for this record alone: a dead
   * letter that could not be written is written again without its value; a failed event or stats
   * record dead-letters its source record ({@code write-failed}). Errors Kafka Streams deems fatal
   * (authorization, a fenced producer) never reach this handler.
   */
  @Override
  public ProductionExceptionHandler.Response handleError(ErrorHandlerContext context,
      ProducerRecord<byte[], byte[]> record, Exception exception) {
    if (exception instanceof RetriableException) {
      return ProductionExceptionHandler.Response.retry();
    }
    if (record.topic().endsWith("-changelog") || record.topic().endsWith("-repartition")) {
      // Kafka Streams' own topics: skipping a write would corrupt state, so the thread fails
      return ProductionExceptionHandler.Response.fail();
    }
    if (fromPunctuation(context)) {
      stats.recordPunctuationError(String.valueOf(context.processorNodeId()));
      LOG.error("cannot write a record of a punctuation to topic {}: {}; the stream thread goes on", record.topic(),
          Untrusted.printable(String.valueOf(exception)));
      return ProductionExceptionHandler.Response.resume();
    }
    if (topic.equals(record.topic())) {
      byte[] value = record.value();
      if (value == null || value.length == 0) {
        LOG.error("cannot write dead letter of {}-{}@{} even without its value, dropping it: {}", context.topic(),
            context.partition(), context.offset(), exception.toString());
        return ProductionExceptionHandler.Response.resume();
      }
      LOG.error("cannot write dead letter of {}-{}@{} ({} bytes): {}; writing it without its value",
          context.topic(), context.partition(), context.offset(), value.length, exception.toString());
      Headers headers = new RecordHeaders(record.headers().toArray());
      if (headers.lastHeader(VALUE_SIZE) == null) {
        add(headers, VALUE_SIZE, Integer.toString(value.length));
      }
      add(headers, VALUE_TRUNCATED, "true");
      return ProductionExceptionHandler.Response.resume(
          List.of(new ProducerRecord<>(topic, null, record.key(), new byte[0], headers)));
    }
    ProducerRecord<byte[], byte[]> dead = deadLetter(context, context.sourceRawKey(), context.sourceRawValue(),
        context.headers(), RejectReason.WRITE_FAILED, new IllegalStateException("cannot write a record to topic "
            + record.topic() + ": " + exception, exception));
    return ProductionExceptionHandler.Response.resume(List.of(dead));
  }

  @Override
  public ProductionExceptionHandler.Response handleSerializationError(ErrorHandlerContext context,
      ProducerRecord record, Exception exception, SerializationExceptionOrigin origin) {
    if (fromPunctuation(context)) {
      stats.recordPunctuationError(String.valueOf(context.processorNodeId()));
      LOG.error("cannot serialize a record of a punctuation for topic {}: {}; the stream thread goes on",
          record.topic(), Untrusted.printable(String.valueOf(exception)));
      return ProductionExceptionHandler.Response.resume();
    }
    if (registryUnavailable(exception)) {
      // the frame is not to blame: fail, so that the processing handler fails the thread (see there)
      return ProductionExceptionHandler.Response.fail();
    }
    ProducerRecord<byte[], byte[]> dead = deadLetter(context, context.sourceRawKey(), context.sourceRawValue(),
        context.headers(), RejectReason.WRITE_FAILED, new IllegalStateException("cannot serialize the " + origin
            + " of a record for topic " + record.topic() + ": " + exception, exception));
    return ProductionExceptionHandler.Response.resume(List.of(dead));
  }

  /**
   * Whether a schema registry that could not serve a call is behind {@code exception}: never the
   * record's fault, so never a dead letter.
   */
  static boolean registryUnavailable(Throwable exception) {
    for (Throwable t = exception; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof io.emotionstream.kafka.serde.SchemaRegistryClient.RegistryException r && r.unavailable()) {
        return true;
      }
    }
    return false;
  }

  /** An error of a punctuation (wall-clock or stream-time), which has no source record. */
  static boolean fromPunctuation(ErrorHandlerContext context) {
    return context.sourceRawValue() == null && context.sourceRawKey() == null && context.offset() < 0;
  }

  /**
   * Kafka Streams keeps a failed send and throws it, as a {@link StreamsException} with this message,
   * from the next send of the task: while another record is being processed.
   */
  static boolean isEarlierSendFailure(Exception exception) {
    return exception instanceof StreamsException && String.valueOf(exception.getMessage()).startsWith("Error encountered sending record");
  }

  private ProducerRecord<byte[], byte[]> deadLetter(ErrorHandlerContext context, byte[] key, byte[] value,
      Headers original, RejectReason reason, Exception exception) {
    stats.recordDeadLetter(reason);
    // the message may quote what a producer sent (a key, a camera id): printed escaped, in one line
    String detail = Untrusted.printable(exception.getMessage());
    LOG.warn("dead-lettering record {}-{}@{} to {}: {}", context.topic(), context.partition(), context.offset(),
        topic, detail);
    Headers headers = new RecordHeaders(original == null ? new RecordHeaders().toArray() : original.toArray());
    add(headers, REASON, reason.code());
    add(headers, DETAIL, detail);
    add(headers, EXCEPTION, exception.getClass().getName());
    add(headers, SOURCE_TOPIC, context.topic());
    add(headers, SOURCE_PARTITION, Integer.toString(context.partition()));
    add(headers, SOURCE_OFFSET, Long.toString(context.offset()));
    add(headers, PROCESSOR, String.valueOf(context.processorNodeId()));
    if (!keepValue && value != null) {
      add(headers, VALUE_SIZE, Integer.toString(value.length));
      add(headers, VALUE_SHA256, sha256(value));
      add(headers, VALUE_OMITTED, "true");
      return new ProducerRecord<>(topic, null, key, null, headers);
    }
    return new ProducerRecord<>(topic, null, key, fit(key, value, headers), headers);
  }

  /** SHA-256 of {@code bytes}, hex: lets a dead letter be matched to a copy of the record kept elsewhere. */
  static String sha256(byte[] bytes) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * {@code value}, or its first bytes when the whole record would exceed {@link #maxRecordBytes};
   * a cut value gets {@link #VALUE_TRUNCATED} and {@link #VALUE_SIZE} headers.
   */
  private byte[] fit(byte[] key, byte[] value, Headers headers) {
    if (value == null) {
      return null;
    }
    long rest = RECORD_OVERHEAD + (key == null ? 0 : key.length) + 64; // 64: room for the two headers below
    for (Header h : headers) {
      rest += h.key().length() + (h.value() == null ? 0 : h.value().length) + 10;
    }
    if (rest + value.length <= maxRecordBytes) {
      return value;
    }
    int keep = (int) Math.max(0, Math.min(value.length, maxRecordBytes - rest));
    add(headers, VALUE_TRUNCATED, "true");
    add(headers, VALUE_SIZE, Integer.toString(value.length));
    LOG.warn("dead letter value cut to its first {} of {} bytes to fit {} bytes per record", keep, value.length,
        maxRecordBytes);
    return Arrays.copyOf(value, keep);
  }

  private static void add(Headers headers, String key, String value) {
    headers.remove(key);
    headers.add(key, value.getBytes(StandardCharsets.UTF_8));
  }
}
