package io.emotionstream.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.analysis.FrameRejectedException;
import io.emotionstream.analysis.RejectReason;
import io.emotionstream.config.Settings;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

/** The dead-letter handler alone: records that fit, records that do not, failed writes. */
class DeadLetterHandlerTest {

  private static final int MAX = 1 << 20;

  private final FrameStats stats = new FrameStats();

  /** A handler that keeps the rejected values (dead-letter.keep-pixels=true): how values are fitted. */
  private DeadLetterHandler handler(int maxRecordBytes) {
    return handler(maxRecordBytes, true);
  }

  private DeadLetterHandler handler(int maxRecordBytes, boolean keepValue) {
    DeadLetterHandler h = new DeadLetterHandler();
    Map<String, Object> config = new java.util.HashMap<>(Map.of(DeadLetterHandler.TOPIC_CONFIG, "dlq",
        DeadLetterHandler.STATS_CONFIG, stats, DeadLetterHandler.MAX_RECORD_BYTES_CONFIG, maxRecordBytes));
    if (keepValue) {
      config.put(DeadLetterHandler.KEEP_VALUE_CONFIG, "true");
    }
    h.configure(config);
    return h;
  }

  @Test
  void byDefaultADeadLetterKeepsItsHeadersSizeAndHashButNotThePixels() throws Exception {
    byte[] value = bytes(5000);
    var response = handler(MAX, false).handleError(context("cam".getBytes(StandardCharsets.UTF_8), value),
        new Record<>("cam", null, 0L), new FrameRejectedException(RejectReason.UNDECODABLE_IMAGE, "camera cam frame 3"));
    ProducerRecord<byte[], byte[]> dead = response.deadLetterQueueRecords().get(0);
    assertNull(dead.value());
    assertEquals("5000", header(dead, DeadLetterHandler.VALUE_SIZE));
    assertEquals(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(value)),
        header(dead, DeadLetterHandler.VALUE_SHA256));
    assertEquals("true", header(dead, DeadLetterHandler.VALUE_OMITTED));
    assertEquals("undecodable-image", header(dead, DeadLetterHandler.REASON));
    assertTrue(header(dead, DeadLetterHandler.DETAIL).contains("camera cam frame 3"), header(dead, DeadLetterHandler.DETAIL));
    assertEquals("t-1", header(dead, "trace"));
    assertArrayEquals("cam".getBytes(StandardCharsets.UTF_8), dead.key());
    assertEquals("false", StreamsProperties.from(Settings.defaults(), stats).get(DeadLetterHandler.KEEP_VALUE_CONFIG),
        "dead-letter.keep-pixels is off by default");
  }

  @Test
  void aFailedPunctuationIsCountedAndTheThreadGoesOnWithoutADeadLetter() {
    DeadLetterHandler h = handler(MAX, false);
    var processing = h.handleError(punctuation(), (Record<?, ?>) null, new IllegalStateException("cannot end the tracks"));
    assertEquals(org.apache.kafka.streams.errors.ProcessingExceptionHandler.Result.RESUME, processing.result());
    assertTrue(processing.deadLetterQueueRecords().isEmpty());
    var serialization = h.handleSerializationError(punctuation(), new ProducerRecord<>("tracks", "k", "v"),
        new RuntimeException("no schema"), ProductionExceptionHandler.SerializationExceptionOrigin.VALUE);
    assertEquals(ProductionExceptionHandler.Result.RESUME, serialization.result());
    assertTrue(serialization.deadLetterQueueRecords().isEmpty());
    var production = h.handleError(punctuation(), new ProducerRecord<>("tracks", new byte[1], new byte[1]),
        new RecordTooLargeException("too large"));
    assertEquals(ProductionExceptionHandler.Result.RESUME, production.result());
    assertTrue(production.deadLetterQueueRecords().isEmpty());
    assertEquals(3, stats.punctuationErrors());
    assertEquals(0, stats.deadLettered());
  }

  @Test
  void anUnavailableRegistryIsNeverTheRecordsFault() {
    DeadLetterHandler h = handler(MAX, false);
    var down = new io.emotionstream.kafka.serde.SchemaRegistryClient.RegistryException(-1,
        "schema registry at http://r/ is unreachable", new java.net.ConnectException());
    var deserialization = h.handleError(context(new byte[1], bytes(10)),
        new org.apache.kafka.clients.consumer.ConsumerRecord<>("frames", 2, 41L, new byte[1], bytes(10)), down);
    assertEquals(org.apache.kafka.streams.errors.DeserializationExceptionHandler.Result.FAIL, deserialization.result());
    assertTrue(deserialization.deadLetterQueueRecords().isEmpty());
    var serverError = new io.emotionstream.kafka.serde.SchemaRegistryClient.RegistryException(503, "busy", null);
    var processing = h.handleError(context(new byte[1], bytes(10)), new Record<>("cam", null, 0L),
        new org.apache.kafka.streams.errors.StreamsException("Unable to serialize record", serverError));
    assertEquals(org.apache.kafka.streams.errors.ProcessingExceptionHandler.Result.FAIL, processing.result());
    assertEquals(ProductionExceptionHandler.Result.FAIL, h.handleSerializationError(context(new byte[1], bytes(10)),
        new ProducerRecord<>("events", "k", "v"), serverError,
        ProductionExceptionHandler.SerializationExceptionOrigin.VALUE).result());
    assertEquals(0, stats.deadLettered());
    // an id the registry does not know is the record's fault: dead-lettered
    var unknown = new io.emotionstream.kafka.serde.RecordDecodeException(
        io.emotionstream.kafka.serde.RecordDecodeException.Reason.UNKNOWN_SCHEMA, "schema id 99 unknown",
        new io.emotionstream.kafka.serde.SchemaRegistryClient.RegistryException(404, "not found", null));
    var dead = h.handleError(context(new byte[1], bytes(10)),
        new org.apache.kafka.clients.consumer.ConsumerRecord<>("frames", 2, 41L, new byte[1], bytes(10)), unknown);
    assertEquals("unknown-schema", header(dead.deadLetterQueueRecords().get(0), DeadLetterHandler.REASON));
  }

  @Test
  void keepingThePixelsIsAnExplicitSetting() {
    assertEquals("true", StreamsProperties.from(Settings.defaults().with(Map.of("dead-letter.keep-pixels", "true"),
        "test"), stats).get(DeadLetterHandler.KEEP_VALUE_CONFIG));
    byte[] value = bytes(100);
    ProducerRecord<byte[], byte[]> dead = handler(MAX, true).handleError(context(null, value),
        new Record<>("cam", null, 0L), new FrameRejectedException(RejectReason.UNDECODABLE_IMAGE, "x"))
        .deadLetterQueueRecords().get(0);
    assertArrayEquals(value, dead.value());
    assertNull(header(dead, DeadLetterHandler.VALUE_OMITTED));
  }

  /** The context Kafka Streams hands the handlers, for a source record with these raw bytes. */
  private static ErrorHandlerContext context(byte[] key, byte[] value) {
    return context(key, value, "frames", 41);
  }

  /** The context of a punctuation: no topic, offset or source record. */
  private static ErrorHandlerContext punctuation() {
    return context(null, null, null, -1);
  }

  private static ErrorHandlerContext context(byte[] key, byte[] value, String topic, long offset) {
    Headers headers = new RecordHeaders().add("trace", "t-1".getBytes(StandardCharsets.UTF_8));
    return new ErrorHandlerContext() {
      public String topic() {
        return topic;
      }

      public int partition() {
        return topic == null ? -1 : 2;
      }

      public long offset() {
        return offset;
      }

      public Headers headers() {
        return headers;
      }

      public String processorNodeId() {
        return "analyze-frame";
      }

      public TaskId taskId() {
        return new TaskId(0, 2);
      }

      public long timestamp() {
        return 1_700_000_000_000L;
      }

      public byte[] sourceRawKey() {
        return key;
      }

      public byte[] sourceRawValue() {
        return value;
      }
    };
  }

  private static String header(ProducerRecord<byte[], byte[]> r, String name) {
    var h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 31);
    }
    return b;
  }

  @Test
  void aValueThatFitsIsKeptWhole() {
    byte[] value = bytes(MAX / 2);
    var response = handler(MAX).handleError(context("cam".getBytes(StandardCharsets.UTF_8), value),
        new Record<>("cam", null, 0L), new FrameRejectedException(RejectReason.DIMENSION_MISMATCH, "lies"));
    ProducerRecord<byte[], byte[]> dead = response.deadLetterQueueRecords().get(0);
    assertArrayEquals(value, dead.value());
    assertNull(header(dead, DeadLetterHandler.VALUE_TRUNCATED));
    assertEquals("dimension-mismatch", header(dead, DeadLetterHandler.REASON));
    assertEquals("t-1", header(dead, "trace"));
  }

  @Test
  void aValueThatCannotFitKeepsItsHeadersReasonPrefixAndSize() {
    byte[] value = bytes(3 * MAX);
    var response = handler(MAX).handleError(context("cam".getBytes(StandardCharsets.UTF_8), value),
        new Record<>("cam", null, 0L), new FrameRejectedException(RejectReason.IMAGE_TOO_LARGE, "too big"));
    ProducerRecord<byte[], byte[]> dead = response.deadLetterQueueRecords().get(0);
    assertEquals("dlq", dead.topic());
    assertEquals("true", header(dead, DeadLetterHandler.VALUE_TRUNCATED));
    assertEquals(Integer.toString(3 * MAX), header(dead, DeadLetterHandler.VALUE_SIZE));
    assertEquals("image-too-large", header(dead, DeadLetterHandler.REASON));
    assertEquals("41", header(dead, DeadLetterHandler.SOURCE_OFFSET));
    assertEquals("t-1", header(dead, "trace"));
    int headerBytes = 0;
    for (var h : dead.headers()) {
      headerBytes += h.key().length() + h.value().length;
    }
    assertTrue(dead.value().length + dead.key().length + headerBytes <= MAX, "dead letter fits " + MAX + " bytes");
    assertTrue(dead.value().length > MAX - 4096, "keeps most of what fits: " + dead.value().length);
    assertArrayEquals(Arrays.copyOf(value, dead.value().length), dead.value(), "a prefix of the original");
  }

  @Test
  void aDeadLetterTooLargeForItsTopicIsWrittenAgainWithoutItsValueNotChargedToAnotherRecord() {
    DeadLetterHandler h = handler(MAX);
    ProducerRecord<byte[], byte[]> tooLarge = new ProducerRecord<>("dlq", null, "cam".getBytes(StandardCharsets.UTF_8),
        bytes(MAX / 2), new RecordHeaders().add(DeadLetterHandler.REASON, "dimension-mismatch".getBytes(StandardCharsets.UTF_8)));
    ProductionExceptionHandler.Response response = h.handleError(context(null, null), tooLarge,
        new RecordTooLargeException("topic limit"));
    assertEquals(ProductionExceptionHandler.Result.RESUME, response.result());
    ProducerRecord<byte[], byte[]> again = response.deadLetterQueueRecords().get(0);
    assertEquals(0, again.value().length);
    assertEquals("true", header(again, DeadLetterHandler.VALUE_TRUNCATED));
    assertEquals(Integer.toString(MAX / 2), header(again, DeadLetterHandler.VALUE_SIZE));
    assertEquals("dimension-mismatch", header(again, DeadLetterHandler.REASON));

    // and when even that fails, the record is given up alone: no failure is left for the next record
    ProductionExceptionHandler.Response last = h.handleError(context(null, null), again,
        new RecordTooLargeException("still"));
    assertEquals(ProductionExceptionHandler.Result.RESUME, last.result());
    assertTrue(last.deadLetterQueueRecords().isEmpty());
  }

  @Test
  void aFailedEventWriteDeadLettersItsOwnSourceFrame() {
    byte[] source = bytes(100);
    ProducerRecord<byte[], byte[]> event = new ProducerRecord<>("events", new byte[] {1}, new byte[] {2});
    var response = handler(MAX).handleError(context("cam".getBytes(StandardCharsets.UTF_8), source), event,
        new RecordTooLargeException("event too large"));
    assertEquals(ProductionExceptionHandler.Result.RESUME, response.result());
    ProducerRecord<byte[], byte[]> dead = response.deadLetterQueueRecords().get(0);
    assertArrayEquals(source, dead.value());
    assertEquals("write-failed", header(dead, DeadLetterHandler.REASON));
    assertEquals(1, stats.deadLettered(RejectReason.WRITE_FAILED));
  }

  @Test
  void aSendFailureLeftByAnEarlierRecordIsNotChargedToTheRecordBeingProcessed() {
    var leftover = new org.apache.kafka.streams.errors.StreamsException("Error encountered sending record to topic dlq"
        + " for task 0_0 due to:\norg.apache.kafka.common.errors.RecordTooLargeException: too large",
        new RecordTooLargeException("too large"));
    var response = handler(MAX).handleError(context("cam".getBytes(StandardCharsets.UTF_8), bytes(10)),
        new Record<>("cam", null, 0L), leftover);
    assertEquals(org.apache.kafka.streams.errors.ProcessingExceptionHandler.Result.FAIL, response.result());
    assertEquals(0, stats.deadLettered(RejectReason.PROCESSING_FAILED));
  }

  @Test
  void failedWritesToKafkaStreamsOwnTopicsFailTheThread() {
    var response = handler(MAX).handleError(context(null, null),
        new ProducerRecord<>("app-emotion-stats-store-changelog", new byte[1], new byte[1]),
        new RecordTooLargeException("x"));
    assertEquals(ProductionExceptionHandler.Result.FAIL, response.result());
  }

  @Test
  void retriableErrorsAreRetried() {
    var response = handler(MAX).handleError(context(null, null), new ProducerRecord<>("events", new byte[1], new byte[1]),
        new NotEnoughReplicasException("one replica"));
    assertEquals(ProductionExceptionHandler.Result.RETRY, response.result());
  }

  @Test
  void streamsPropertiesSizeEveryClientForTheLargestFrame() {
    Properties p = StreamsProperties.from(Settings.defaults(), stats);
    int limit = 16 * 1024 * 1024 + (1 << 20);
    assertEquals(limit, p.get(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG)));
    assertEquals(limit, p.get(StreamsConfig.mainConsumerPrefix("max.partition.fetch.bytes")));
    assertEquals(limit, p.get(StreamsConfig.mainConsumerPrefix("fetch.max.bytes")));
    assertEquals(limit, p.get(DeadLetterHandler.MAX_RECORD_BYTES_CONFIG));
    assertEquals(DeadLetterHandler.class, p.get(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG));
    Properties eos = StreamsProperties.from(Settings.defaults().with(Map.of("processing.guarantee", "exactly_once_v2"),
        "test"), stats);
    assertEquals(60_000, eos.get(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG)));
  }
}
