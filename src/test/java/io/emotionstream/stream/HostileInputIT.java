package io.emotionstream.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.config.Settings;
import io.emotionstream.frame.EncodedImage;
import io.emotionstream.frame.ImageCodec;
import io.emotionstream.kafka.RecordSizes;
import io.emotionstream.kafka.TopicCreator;
import io.emotionstream.kafka.Topics;
import io.emotionstream.kafka.serde.SingleObjectAvroSerde;
import io.emotionstream.schema.CameraFrame;
import io.emotionstream.schema.ImageEncoding;
import io.emotionstream.schema.FaceEmotion;
import io.emotionstream.testing.KafkaPipelineExtension;
import io.emotionstream.testing.ProcessorRun;
import io.emotionstream.testing.SamplePhotos;
import io.emotionstream.testing.TestCameras;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile input on a real broker, in one stream (one camera, one partition), each bad record
 * followed by a good frame: malformed records of every kind, a 2 MB frame whose size disagrees
 * with its header, a 20 MB frame (over frame.max-bytes, on a frames topic that accepts it), a
 * near-limit valid JPEG, decompression bombs (headers claiming huge sizes) and a valid 32 KB PNG of
 * 7680x4320, and capture times in 2999 and 1970. Every good frame must yield its events, every bad
 * one must be in the dead-letter topic with its reason and nothing else may be, and the resident
 * memory this JVM (broker, processor and test clients) gains while the stream is processed must
 * stay under the bound ({@code -Dhostile.max-rss-growth-mb}, default
 * {@value #DEFAULT_MAX_RSS_GROWTH_MB}): the growth, not the total, because other integration tests
 * may have run in this JVM before and native memory stays mapped (jemalloc without purging).
 */
class HostileInputIT {

  static final int DEFAULT_MAX_RSS_GROWTH_MB = 1536;
  private static final String CAMERA = "hostile";

  @RegisterExtension
  static final KafkaPipelineExtension KAFKA = KafkaPipelineExtension.broker().withPipeline();

  private static List<EncodedImage> photos;
  private static final Map<Integer, Integer> facesPerPhoto = new HashMap<>();

  @BeforeAll
  static void loadPhotos() {
    photos = SamplePhotos.encoded(960, 1, 3, 5);
  }

  /** A record to send: raw bytes, or a frame; its expected dead-letter reason, or null when valid. */
  private record Case(String what, byte[] raw, CameraFrame frame, String reason) {}

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"at_least_once", "exactly_once_v2"})
  void everyGoodFrameYieldsItsEventsAndEveryBadOneIsDeadLetteredWithItsReason(String guarantee) throws Exception {
    String name = "hostile-" + guarantee.replace('_', '-');
    Settings settings = KAFKA.settings(name, Map.of("topics.partitions", "1", "processing.guarantee", guarantee,
        // its one camera, opted in; its dead letters keep the rejected bytes (prefixes) to compare them
        "cameras.file", TestCameras.optedIn(CAMERA), "dead-letter.keep-pixels", "true"));
    // a frames topic created by someone else, accepting more than frame.max-bytes: the 20 MB frame
    // gets in and must be rejected by the processor, and its dead letter cut to fit
    try (Admin admin = Admin.create(settings.kafkaClientConfig())) {
      admin.createTopics(List.of(new NewTopic(settings.string("topic.frames"), 1, (short) 1)
          .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(24 << 20))))).all().get();
    }
    SingleObjectAvroSerde<CameraFrame> serde = new SingleObjectAvroSerde<>(CameraFrame.class);
    List<Case> bad = badCases();
    List<Case> sent = new ArrayList<>();
    long sequence = 0;
    for (Case c : bad) {
      CameraFrame f = c.frame();
      if (f != null) {
        f.setSequence(sequence++);
      }
      sent.add(c);
      CameraFrame good = goodFrame(sequence++);
      sent.add(new Case("good frame " + good.getSequence(), null, good, null));
    }

    Map<String, Object> producerConfig = new HashMap<>(settings.kafkaClientConfig());
    producerConfig.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 32 << 20);
    producerConfig.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L << 20);
    long rssBefore = rssKb("VmRSS");
    java.util.concurrent.atomic.AtomicLong peakKb = new java.util.concurrent.atomic.AtomicLong(rssBefore);
    java.util.concurrent.ScheduledExecutorService sampler = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
    sampler.scheduleAtFixedRate(() -> {
      try {
        peakKb.accumulateAndGet(rssKb("VmRSS"), Math::max);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }, 0, 50, java.util.concurrent.TimeUnit.MILLISECONDS);
    try (EmotionStreams processor = new EmotionStreams(settings, KAFKA.analyzer());
        KafkaProducer<byte[], byte[]> producer =
            new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer())) {
      processor.start();
      assertTrue(processor.awaitRunning(Duration.ofSeconds(60)), "processor did not reach RUNNING");
      byte[] key = CAMERA.getBytes(StandardCharsets.UTF_8);
      for (Case c : sent) {
        byte[] value = c.raw() != null ? c.raw() : c.frame() == null ? null : serde.serializer().serialize("f", c.frame());
        producer.send(new ProducerRecord<>(settings.string("topic.frames"), key, value)).get();
      }
      FrameStats stats = processor.stats();
      long valid = sent.stream().filter(c -> c.reason() == null).count();
      ProcessorRun.await("every record processed or dead-lettered",
          () -> stats.framesProcessed() >= valid && stats.deadLettered() >= bad.stream().filter(c -> c.reason() != null).count(),
          Duration.ofMinutes(6));

      // events: exactly the good frames' faces, once each, capture times as sent
      List<FaceEmotion> events = new ArrayList<>();
      SingleObjectAvroSerde<FaceEmotion> eventsSerde = new SingleObjectAvroSerde<>(FaceEmotion.class);
      long expectedFaces = 0;
      Map<Long, Integer> expected = new TreeMap<>();
      for (Case c : sent) {
        if (c.reason() == null) {
          int faces = facesIn(c.frame());
          expected.put(c.frame().getSequence(), faces);
          expectedFaces += faces;
        }
      }
      for (ConsumerRecord<String, byte[]> r : ProcessorRun.readRaw(settings, settings.string("topic.events"),
          (int) expectedFaces, Duration.ofSeconds(60))) {
        events.add(eventsSerde.deserializer().deserialize("e", r.value()));
      }
      Map<Long, Integer> perFrame = new TreeMap<>();
      events.forEach(e -> perFrame.merge(e.getFrameSequence(), 1, Integer::sum));
      expected.values().removeIf(n -> n == 0);
      assertEquals(expected, perFrame, "events per frame sequence");
      Map<Long, Instant> captured = sent.stream().filter(c -> c.frame() != null)
          .collect(Collectors.toMap(c -> c.frame().getSequence(), c -> c.frame().getCaptureTime()));
      for (FaceEmotion e : events) {
        assertEquals(captured.get(e.getFrameSequence()), e.getCaptureTime(), "events keep the capture time");
        assertTrue(Math.abs(e.getLatencyMs()) < Duration.ofMinutes(10).toMillis(),
            "frame " + e.getFrameSequence() + " latency " + e.getLatencyMs() + " ms");
      }
      assertTrue(stats.clockSkewed(CAMERA) >= 2, "frames with implausible capture times counted: "
          + stats.clockSkewed(CAMERA));

      // dead letters: each bad record once, with its reason, and nothing else
      List<ConsumerRecord<String, byte[]>> dead = ProcessorRun.readRaw(settings, settings.string("topic.dead-letter"),
          (int) bad.stream().filter(c -> c.reason() != null).count(), Duration.ofSeconds(60));
      List<String> reasons = dead.stream().map(r -> ProcessorRun.header(r, DeadLetterHandler.REASON)).sorted().toList();
      List<String> wanted = bad.stream().map(Case::reason).filter(r -> r != null).sorted().toList();
      assertEquals(wanted, reasons, "dead-letter reasons");
      for (ConsumerRecord<String, byte[]> r : dead) {
        assertTrue(r.serializedValueSize() <= RecordSizes.recordLimit(settings), "dead letter fits the topic");
        String size = ProcessorRun.header(r, DeadLetterHandler.VALUE_SIZE);
        if (ProcessorRun.header(r, DeadLetterHandler.REASON).equals("image-too-large")) {
          assertEquals("true", ProcessorRun.header(r, DeadLetterHandler.VALUE_TRUNCATED));
          assertNotNull(size);
          assertTrue(Integer.parseInt(size) > 20_000_000, size);
          assertTrue(r.value().length > 1_000_000, "keeps a prefix: " + r.value().length);
        } else {
          assertNull(ProcessorRun.header(r, DeadLetterHandler.VALUE_TRUNCATED));
        }
      }
      ConsumerRecord<String, byte[]> twoMb = dead.stream()
          .filter(r -> ProcessorRun.header(r, DeadLetterHandler.DETAIL).contains("image header says 1400x1050"))
          .findFirst().orElseThrow();
      Case twoMbCase = bad.stream().filter(c -> c.what().startsWith("2 MB")).findFirst().orElseThrow();
      assertArrayEquals(serde.serializer().serialize("f", twoMbCase.frame()), twoMb.value(),
          "a 2 MB rejected frame is dead-lettered whole");

      sampler.shutdownNow();
      long peakMb = peakKb.get() / 1024;
      long growthMb = peakMb - rssBefore / 1024;
      long boundMb = Long.getLong("hostile.max-rss-growth-mb", DEFAULT_MAX_RSS_GROWTH_MB);
      Runtime rt = Runtime.getRuntime();
      System.out.printf("hostile input (%s): VmRSS before %d MB, peak %d MB (+%d MB, bound +%d MB), VmHWM %d MB,"
          + " heap committed %d MB, LD_PRELOAD=%s%n", guarantee, rssBefore / 1024, peakMb, growthMb, boundMb,
          rssKb("VmHWM") / 1024, rt.totalMemory() >> 20, System.getenv("LD_PRELOAD"));
      assertTrue(growthMb < boundMb, "resident memory grew by " + growthMb + " MB, bound " + boundMb + " MB");
    }
  }

  @Test
  void theLargestFrameFitsTheTopicsTheProjectCreatesAndItsProducer() throws Exception {
    Settings settings = KAFKA.settings("sized", Map.of("topics.partitions", "1"));
    Topics topics = Topics.from(settings);
    TopicCreator.ensure(settings, topics);
    int limit = RecordSizes.recordLimit(settings);
    assertEquals(16 * 1024 * 1024 + (1 << 20), limit);
    assertEquals(limit, TopicCreator.maxMessageBytes(settings, topics.frames(), -1));
    assertEquals(limit, TopicCreator.maxMessageBytes(settings, topics.deadLetter(), -1));
    try (Admin admin = Admin.create(settings.kafkaClientConfig())) {
      ConfigResource events = new ConfigResource(ConfigResource.Type.TOPIC, topics.events());
      assertTrue(admin.describeConfigs(List.of(events)).all().get().get(events)
          .get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG).source() != ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG,
          "events are small: the broker's limit");
    }
    EncodedImage image = nearLimitJpeg();
    try (FrameProducer producer = new FrameProducer(settings)) {
      assertTrue(producer.send(FrameProducer.frame(CAMERA, 0, image, Instant.now(), null, Map.of()))
          .get().serializedValueSize() > image.bytes().length, "a frame of " + image.bytes().length + " bytes is sent");
    }
  }

  private List<Case> badCases() throws IOException {
    List<Case> cases = new ArrayList<>();
    EncodedImage small = TestFrames.jpeg(160, 120);
    cases.add(new Case("garbage", "definitely not a frame".getBytes(StandardCharsets.UTF_8), null,
        "deserialization-failed"));
    byte[] unknown = new byte[40];
    new Random(7).nextBytes(unknown);
    unknown[0] = (byte) 0xC3;
    unknown[1] = 0x01;
    cases.add(new Case("unknown schema", unknown, null, "unknown-schema"));
    cases.add(new Case("empty record", null, null, "empty-record"));
    byte[] corrupt = small.bytes().clone();
    Arrays.fill(corrupt, 2, corrupt.length, (byte) 0);
    cases.add(new Case("corrupt JPEG", null, frame(new EncodedImage(corrupt, ImageEncoding.JPEG, 160, 120, "corrupt")),
        "undecodable-image"));
    cases.add(new Case("encoding mismatch", null, frame(new EncodedImage(small.bytes(), ImageEncoding.PNG, 160, 120, "x")),
        "encoding-mismatch"));
    EncodedImage twoMb = noiseJpeg(1400, 1050, 95);
    assertTrue(twoMb.bytes().length > 1_500_000, "2 MB frame is " + twoMb.bytes().length + " bytes");
    cases.add(new Case("2 MB frame whose size disagrees with its header", null,
        frame(new EncodedImage(twoMb.bytes(), ImageEncoding.JPEG, 1280, 960, "lies")), "dimension-mismatch"));
    byte[] twenty = new byte[20_000_000];
    System.arraycopy(small.bytes(), 0, twenty, 0, small.bytes().length);
    cases.add(new Case("20 MB frame", null, frame(new EncodedImage(twenty, ImageEncoding.JPEG, 160, 120, "huge")),
        "image-too-large"));
    cases.add(new Case("PNG header claiming 100000x100000", null,
        frame(new EncodedImage(pngHeader(100_000, 100_000), ImageEncoding.PNG, 100_000, 100_000, "bomb")), "too-many-pixels"));
    cases.add(new Case("JPEG header claiming 65000x65000", null,
        frame(new EncodedImage(jpegHeader(65_000, 65_000), ImageEncoding.JPEG, 65_000, 65_000, "bomb")), "too-many-pixels"));
    EncodedImage png8k = uniformPng(7680, 4320);
    assertTrue(png8k.bytes().length < 200_000, "8K PNG is " + png8k.bytes().length + " bytes");
    cases.add(new Case("valid 7680x4320 PNG of " + png8k.bytes().length + " bytes", null, frame(png8k), null));
    cases.add(new Case("valid JPEG near frame.max-bytes", null, frame(nearLimitJpeg()), null));
    CameraFrame future = goodFrame(0);
    future.setCaptureTime(Instant.parse("2999-01-01T00:00:00Z"));
    cases.add(new Case("captured in 2999", null, future, null));
    CameraFrame past = goodFrame(0);
    past.setCaptureTime(Instant.EPOCH);
    cases.add(new Case("captured in 1970", null, past, null));
    return cases;
  }

  private static CameraFrame frame(EncodedImage image) {
    return FrameProducer.frame(CAMERA, 0, image, Instant.now(), null, Map.of());
  }

  private static CameraFrame goodFrame(long sequence) {
    EncodedImage photo = photos.get((int) (sequence % photos.size()));
    return FrameProducer.frame(CAMERA, sequence, photo, Instant.now(), null, Map.of());
  }

  private static int facesIn(CameraFrame frame) {
    for (int i = 0; i < photos.size(); i++) {
      if (frame.getImage().equals(ByteBuffer.wrap(photos.get(i).bytes()))) {
        int index = i;
        return facesPerPhoto.computeIfAbsent(i, k -> KAFKA.analyzer().analyze(
            FrameProducer.frame(CAMERA, 0, photos.get(index), Instant.now(), null, Map.of())).events().size());
      }
    }
    return KAFKA.analyzer().analyze(frame).events().size();
  }

  private static EncodedImage noiseJpeg(int width, int height, int quality) {
    byte[] pixels = new byte[width * height * 3];
    new Random(width).nextBytes(pixels);
    try (Mat image = new Mat(height, width, opencv_core.CV_8UC3)) {
      image.data().put(pixels, 0, pixels.length);
      return new EncodedImage(ImageCodec.encode(image, ".jpg", quality), ImageEncoding.JPEG, width, height, "noise");
    }
  }

  /** Noise JPEG of 7680x4320 between 12 MiB and frame.max-bytes (16 MiB). */
  private static EncodedImage nearLimitJpeg() {
    for (int quality = 90; quality >= 10; quality -= 10) {
      EncodedImage image = noiseJpeg(7680, 4320, quality);
      if (image.bytes().length <= 16 << 20) {
        assertTrue(image.bytes().length > 8 << 20, "near-limit JPEG is " + image.bytes().length + " bytes");
        return image;
      }
    }
    throw new AssertionError("no noise JPEG under 16 MiB");
  }

  private static EncodedImage uniformPng(int width, int height) {
    try (Mat image = new Mat(height, width, opencv_core.CV_8UC3, new Scalar(90, 120, 150, 0))) {
      return new EncodedImage(ImageCodec.encode(image, ".png", 0), ImageEncoding.PNG, width, height, "uniform");
    }
  }

  /** PNG signature and an IHDR chunk claiming {@code width x height}, then nothing. */
  private static byte[] pngHeader(int width, int height) {
    ByteBuffer b = ByteBuffer.allocate(33);
    b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    b.putInt(13).put("IHDR".getBytes(StandardCharsets.US_ASCII)).putInt(width).putInt(height);
    b.put(new byte[] {8, 2, 0, 0, 0}).putInt(0);
    return b.array();
  }

  /** SOI and a baseline SOF0 claiming {@code width x height}, then nothing. */
  private static byte[] jpegHeader(int width, int height) {
    return new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xC0, 0, 17, 8,
        (byte) (height >> 8), (byte) height, (byte) (width >> 8), (byte) width, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1};
  }

  /** A field of /proc/self/status in kB (VmRSS: resident now, VmHWM: peak resident). */
  private static long rssKb(String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    return -1;
  }
}
