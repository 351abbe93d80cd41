package io.emotionstream.stream;

import io.emotionstream.config.Settings;
import io.emotionstream.frame.EncodedImage;
import io.emotionstream.kafka.RecordSizes;
import io.emotionstream.kafka.serde.AvroSerdes;
import io.emotionstream.schema.CameraFrame;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends {@link CameraFrame}s to the frames topic, keyed by camera id, in the configured wire format;
 * declares the frame schema when it is made ({@link AvroSerdes#declareWriters}).
 */
public final class FrameProducer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(FrameProducer.class);

  private final KafkaProducer<String, CameraFrame> producer;
  private final String topic;
  private final AtomicLong failed = new AtomicLong();

  public FrameProducer(Settings settings) {
    this(settings, Map.of());
  }

  /**
   * @param overrides producer settings of the caller (e.g. {@code client.id}, {@code max.block.ms});
   *     the {@code kafka.*} settings still win over them
   */
  public FrameProducer(Settings settings, Map<String, Object> overrides) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    config.putAll(RecordSizes.producer(settings));
    config.putAll(overrides);
    config.putAll(settings.kafkaClientConfig());
    AvroSerdes serdes = AvroSerdes.from(settings);
    this.topic = settings.string("topic.frames");
    // the frame schema is declared before the first frame: refused here when it breaks schema.compatibility
    serdes.declareWriters(Map.of(topic, CameraFrame.class));
    this.producer = new KafkaProducer<>(config, new StringSerializer(), serdes.serde(CameraFrame.class).serializer());
  }

  public static CameraFrame frame(String cameraId, long sequence, EncodedImage image, Instant captureTime,
      String siteId, Map<String, String> tags) {
    return CameraFrame.newBuilder()
        .setCameraId(cameraId)
        .setSequence(sequence)
        .setCaptureTime(captureTime)
        .setEncoding(image.format())
        .setWidth(image.width())
        .setHeight(image.height())
        .setImage(ByteBuffer.wrap(image.bytes()))
        .setSiteId(siteId)
        .setTags(new HashMap<>(tags))
        .build();
  }

  /** Sends asynchronously; a frame that cannot be sent (e.g. too large for the topic) is logged and counted in {@link #failed()}. */
  public Future<RecordMetadata> send(CameraFrame frame) {
    return producer.send(new ProducerRecord<>(topic, frame.getCameraId(), frame), (metadata, e) -> {
      if (e != null) {
        failed.incrementAndGet();
        LOG.error("camera {} frame {} ({} image bytes) was not sent to {}: {}", frame.getCameraId(),
            frame.getSequence(), frame.getImage().remaining(), topic, e.toString());
      }
    });
  }

  /**
   * Sends asynchronously and tells {@code done} the outcome (null or the failure) on the producer's
   * thread; nothing is logged or counted here.
   */
  public void send(CameraFrame frame, java.util.function.Consumer<Exception> done) {
    producer.send(new ProducerRecord<>(topic, frame.getCameraId(), frame), (metadata, e) -> done.accept(e));
  }

  /** Waits up to {@code timeout} for the frames sent to be acknowledged, then closes. */
  public void close(java.time.Duration timeout) {
    producer.close(timeout);
  }

  /** Frames whose send failed so far. */
  public long failed() {
    return failed.get();
  }

  public String topic() {
    return topic;
  }

  public void flush() {
    producer.flush();
  }

  @Override
  public void close() {
    producer.close();
  }
}
