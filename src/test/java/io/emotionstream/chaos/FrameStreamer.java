package io.emotionstream.chaos;

import io.emotionstream.frame.EncodedImage;
import io.emotionstream.schema.CameraFrame;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Cameras sending frames at a steady rate, round robin, each camera on its own partition and with
 * increasing sequence numbers. Frame {@code s} of camera {@code c} shows photo {@code (c + s) mod n},
 * so its face count is known. Remembers every frame the broker acknowledged.
 */
final class FrameStreamer implements AutoCloseable {

  /** A photo and the number of faces the detector finds in it. */
  record Photo(EncodedImage image, int faces) {}

  private final KafkaProducer<String, byte[]> producer;
  private final String topic;
  private final int partitions;
  private final List<String> cameras;
  private final List<Photo> photos;
  private final long periodNanos;
  private final Map<FrameKey, Integer> acknowledged = new ConcurrentHashMap<>();
  private final Set<FrameKey> failed = ConcurrentHashMap.newKeySet();
  private final AtomicInteger attempted = new AtomicInteger();
  private final Thread thread;
  private volatile boolean running = true;

  FrameStreamer(String bootstrapServers, String topic, int partitions, List<String> cameras, List<Photo> photos,
      double framesPerSecondPerCamera) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    // a broker restart must delay frames, not fail them
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 300_000);
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 300_000);
    config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024);
    this.producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    this.topic = topic;
    this.partitions = partitions;
    this.cameras = List.copyOf(cameras);
    this.photos = List.copyOf(photos);
    this.periodNanos = (long) (1e9 / (framesPerSecondPerCamera * cameras.size()));
    this.thread = new Thread(this::loop, "cameras");
  }

  void start() {
    thread.start();
  }

  private void loop() {
    long[] sequence = new long[cameras.size()];
    long next = System.nanoTime();
    int turn = 0;
    while (running) {
      int c = turn++ % cameras.size();
      long s = sequence[c]++;
      Photo photo = photos.get((int) ((c + s) % photos.size()));
      FrameKey key = new FrameKey(cameras.get(c), s);
      EncodedImage image = photo.image();
      CameraFrame frame = CameraFrame.newBuilder()
          .setCameraId(key.camera())
          .setSequence(s)
          .setCaptureTime(Instant.now())
          .setEncoding(image.format())
          .setWidth(image.width())
          .setHeight(image.height())
          .setImage(ByteBuffer.wrap(image.bytes()))
          .build();
      try {
        ByteBuffer encoded = CameraFrame.getEncoder().encode(frame);
        byte[] value = new byte[encoded.remaining()];
        encoded.get(value);
        attempted.incrementAndGet();
        producer.send(new ProducerRecord<>(topic, c % partitions, key.camera(), value), (metadata, error) -> {
          if (error == null) {
            acknowledged.put(key, photo.faces());
          } else {
            failed.add(key);
          }
        });
      } catch (Exception e) {
        failed.add(key);
      }
      next += periodNanos;
      long wait = next - System.nanoTime();
      if (wait > 0) {
        try {
          TimeUnit.NANOSECONDS.sleep(wait);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** Stops sending and waits until every frame sent is acknowledged or failed. */
  void stop() throws InterruptedException {
    running = false;
    thread.join();
    producer.flush();
  }

  /** Frames the broker acknowledged, with their known face counts. */
  Map<FrameKey, Integer> acknowledged() {
    return Map.copyOf(acknowledged);
  }

  /** Frames whose send failed: they may or may not be on the topic. */
  Set<FrameKey> failed() {
    return Set.copyOf(failed);
  }

  int attempted() {
    return attempted.get();
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join();
    producer.close();
  }
}
