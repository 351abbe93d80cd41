package io.emotionstream.ingest;

import io.emotionstream.config.Settings;
import io.emotionstream.frame.ImageDecoding;
import io.emotionstream.ingest.testcamera.FrameNumberBand;
import io.emotionstream.kafka.serde.SingleObjectAvroSerde;
import io.emotionstream.schema.CameraFrame;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Reads the frames topic from the beginning in the background, decoding each frame's drawn number:
 * what {@code ingest} sent, as the processor would receive it.
 */
final class FrameTap implements AutoCloseable {

  /**
   * @param recordTimestamp when the producer sent it (epoch ms)
   * @param number the frame number drawn into the image, -1 when unreadable
   */
  record Received(String key, CameraFrame frame, long recordTimestamp, long number, long receivedAtMillis) {

    String camera() {
      return frame.getCameraId();
    }

    Instant capture() {
      return frame.getCaptureTime();
    }

    int bytes() {
      return frame.getImage().remaining();
    }
  }

  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private volatile boolean stopped;

  FrameTap(Settings settings) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.string("bootstrap.servers"));
    config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 20 << 20);
    String topic = settings.string("topic.frames");
    SingleObjectAvroSerde<CameraFrame> serde = new SingleObjectAvroSerde<>(CameraFrame.class);
    thread = new Thread(() -> {
      try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
          new ByteArrayDeserializer())) {
        List<TopicPartition> partitions = new ArrayList<>();
        while (partitions.isEmpty() && !stopped) {
          try {
            consumer.partitionsFor(topic, Duration.ofSeconds(2)).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
          } catch (RuntimeException e) {
            sleep();
          }
          if (partitions.isEmpty()) {
            sleep();
          }
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        while (!stopped) {
          try {
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
              CameraFrame f = serde.deserializer().deserialize(topic, r.value());
              received.add(new Received(r.key(), f, r.timestamp(), number(f), System.currentTimeMillis()));
            }
          } catch (RuntimeException e) {
            sleep(); // broker away
          }
        }
      }
    }, "frame-tap");
    thread.setDaemon(true);
    thread.start();
  }

  private static void sleep() {
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static long number(CameraFrame f) {
    byte[] bytes = new byte[f.getImage().remaining()];
    f.getImage().duplicate().get(bytes);
    try (Mat image = ImageDecoding.decodeBgr(bytes, "frame")) {
      return FrameNumberBand.read(image);
    } catch (RuntimeException e) {
      return -1;
    }
  }

  List<Received> all() {
    return List.copyOf(received);
  }

  List<Received> of(String camera) {
    return received.stream().filter(r -> r.camera().equals(camera)).toList();
  }

  /** Frames of {@code camera} received after {@code epochMillis} (by the time they reached the topic). */
  List<Received> of(String camera, long afterMillis) {
    return received.stream().filter(r -> r.camera().equals(camera) && r.recordTimestamp() > afterMillis).toList();
  }

  /** Waits until {@code condition} holds for the frames of {@code camera}; false after {@code timeout}. */
  boolean await(String camera, Predicate<List<Received>> condition, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.test(of(camera))) {
        return true;
      }
      Thread.sleep(100);
    }
    return condition.test(of(camera));
  }

  @Override
  public void close() throws InterruptedException {
    stopped = true;
    thread.join(5000);
  }
}
