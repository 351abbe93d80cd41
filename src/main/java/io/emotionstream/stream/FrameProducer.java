package io.emotionstream.stream;

import io.emotionstream.config.Settings;
import io.emotionstream.frame.EncodedImage;
import io.emotionstream.kafka.RecordSizes;
import io.emotionstream.kafka.serde.AvroSerdes;
import io.emotionstream.schema.CameraFrame;
import io.emotionstream.schema.ImageEncoding;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/** Sends {@link CameraFrame}s to the frames topic, keyed by camera id, in the configured wire format. */
public final class FrameProducer implements AutoCloseable {

  private final KafkaProducer<String, CameraFrame> producer;
  private final String topic;

  public FrameProducer(Settings settings) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    config.putAll(RecordSizes.producer(settings));
    config.putAll(settings.kafkaClientConfig());
    AvroSerdes serdes = AvroSerdes.from(settings);
    this.producer = new KafkaProducer<>(config, new StringSerializer(), serdes.serde(CameraFrame.class).serializer());
    this.topic = settings.string("topic.frames");
  }

  public static CameraFrame frame(String cameraId, long sequence, EncodedImage image, Instant captureTime,
      String siteId, Map<String, String> tags) {
    return CameraFrame.newBuilder()
        .setCameraId(cameraId)
        .setSequence(sequence)
        .setCaptureTime(captureTime)
        .setEncoding(ImageEncoding.valueOf(image.format()))
        .setWidth(image.width())
        .setHeight(image.height())
        .setImage(ByteBuffer.wrap(image.bytes()))
        .setSiteId(siteId)
        .setTags(new HashMap<>(tags))
        .build();
  }

  public Future<RecordMetadata> send(CameraFrame frame) {
    return producer.send(new ProducerRecord<>(topic, frame.getCameraId(), frame));
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
