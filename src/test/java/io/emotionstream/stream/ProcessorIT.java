package io.emotionstream.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.analysis.RejectReason;
import io.emotionstream.config.Settings;
import io.emotionstream.frame.EncodedImage;
import io.emotionstream.kafka.serde.SingleObjectAvroSerde;
import io.emotionstream.schema.CameraFrame;
import io.emotionstream.schema.FaceEmotion;
import io.emotionstream.schema.ImageEncoding;
import io.emotionstream.schema.LabelScore;
import io.emotionstream.testing.ProcessorRun;
import io.emotionstream.testing.SamplePhotos;
import io.emotionstream.testing.SchemaRegistryServer;
import io.emotionstream.testing.TestCameras;
import io.emotionstream.frame.ImageEncoder;
import io.emotionstream.frame.ImageFilesSource;
import io.emotionstream.testing.ExifPhotos;
import io.emotionstream.testing.KafkaPipelineExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end on a real Kafka broker (KRaft, in this JVM) with the real MTCNN detector and the
 * bundled emotion model: frames with several faces, two cameras, a corrupt frame and an
 * undeserializable record in the middle of the stream, in both wire formats.
 */
class ProcessorIT {

  @RegisterExtension
  static final KafkaPipelineExtension KAFKA = KafkaPipelineExtension.broker().withPipeline();

  private static List<EncodedImage> photos;

  @BeforeAll
  static void loadPhotos() {
    photos = SamplePhotos.encoded(960, 1, 3, 5, 6);
  }

  private static Settings settings(String name, Map<String, String> extra) {
    Map<String, String> values = new HashMap<>(Map.of("topics.partitions", "3",
        // the cameras this test streams, opted in; its dead letters keep the rejected bytes to compare them
        "cameras.file", TestCameras.optedIn("cam-1", "cam-2", "cam-r"),
        "dead-letter.keep-pixels", "true"));
    values.putAll(extra);
    return KAFKA.settings(name, values);
  }

  /** How many faces the same analyzer finds in a frame when called directly. */
  private static int facesIn(CameraFrame frame) {
    return KAFKA.analyzer().analyze(frame).events().size();
  }

  @Test
  void everyFaceBecomesOneEventInCameraOrderAndBadRecordsGoToTheDeadLetterTopic() throws Exception {
    Settings settings = settings("e2e", Map.of());
    List<CameraFrame> good = new ArrayList<>();
    CameraFrame corrupt;
    byte[] garbage = "definitely not a frame".getBytes(StandardCharsets.UTF_8);
    try (EmotionStreams processor = new EmotionStreams(settings, KAFKA.analyzer());
        FrameProducer producer = new FrameProducer(settings)) {
      processor.start();
      assertTrue(processor.awaitRunning(Duration.ofSeconds(60)), "processor did not reach RUNNING");
      for (int i = 0; i < 4; i++) {
        good.add(TestFrames.frame("cam-1", i < 2 ? i : i + 1, photos.get(i)));
        good.add(TestFrames.frame("cam-2", i, photos.get((i + 1) % photos.size())));
      }
      EncodedImage image = photos.get(0);
      byte[] broken = image.bytes().clone();
      Arrays.fill(broken, 2, broken.length, (byte) 0);
      corrupt = TestFrames.frame("cam-1", 2, new EncodedImage(broken, ImageEncoding.JPEG, image.width(), image.height(), "corrupt"));
      for (int i = 0; i < good.size(); i++) {
        producer.send(good.get(i)).get();
        if (i == 3) {
          producer.send(corrupt).get();
          ProcessorRun.sendRaw(settings, settings.string("topic.frames"), "cam-2", garbage);
        }
      }
      FrameStats stats = processor.stats();
      ProcessorRun.await("all frames processed", () -> stats.framesProcessed() + stats.deadLettered() >= good.size() + 2,
          Duration.ofMinutes(5));
      List<FaceEmotion> events = ProcessorRun.readEvents(settings, stats.faces(), Duration.ofSeconds(30));

      // one event per face, for every good frame, none for the corrupt one, no duplicates
      Map<String, Long> perFrame = events.stream().collect(Collectors.groupingBy(
          e -> e.getCameraId() + "/" + e.getFrameSequence(), LinkedHashMap::new, Collectors.counting()));
      Map<String, Long> expected = new LinkedHashMap<>();
      for (CameraFrame f : good) {
        int faces = facesIn(f);
        assertTrue(faces >= 2, "sample photo should show several faces, found " + faces);
        expected.put(f.getCameraId() + "/" + f.getSequence(), (long) faces);
      }
      assertEquals(new TreeSet<>(expected.keySet()), new TreeSet<>(perFrame.keySet()));
      assertEquals(new java.util.TreeMap<>(expected), new java.util.TreeMap<>(perFrame));

      // per camera: frames in order, faces of a frame in index order
      for (String camera : List.of("cam-1", "cam-2")) {
        List<FaceEmotion> mine = events.stream().filter(e -> e.getCameraId().equals(camera)).toList();
        for (int i = 1; i < mine.size(); i++) {
          FaceEmotion a = mine.get(i - 1);
          FaceEmotion b = mine.get(i);
          boolean ordered = a.getFrameSequence() < b.getFrameSequence()
              || a.getFrameSequence() == b.getFrameSequence() && a.getFaceIndex() + 1 == b.getFaceIndex();
          assertTrue(ordered, camera + ": event " + b.getFrameSequence() + "/" + b.getFaceIndex() + " after "
              + a.getFrameSequence() + "/" + a.getFaceIndex());
        }
      }
      for (FaceEmotion e : events) {
        double sum = e.getScores().stream().mapToDouble(LabelScore::getScore).sum();
        assertEquals(1.0, sum, 1e-3, "scores of " + e.getCameraId() + "/" + e.getFrameSequence());
        assertTrue(e.getScores().stream().anyMatch(s -> s.getLabel().equals(e.getLabel())));
        assertTrue(!e.getModelVersion().isBlank());
      }

      // the two bad records, with their reasons and original bytes
      List<ConsumerRecord<String, byte[]>> dead = ProcessorRun.readRaw(settings, settings.string("topic.dead-letter"),
          2, Duration.ofSeconds(30));
      assertEquals(2, dead.size());
      Map<String, ConsumerRecord<String, byte[]>> byReason = new HashMap<>();
      dead.forEach(r -> byReason.put(ProcessorRun.header(r, DeadLetterHandler.REASON), r));
      assertEquals(Set.of("undecodable-image", "deserialization-failed"), byReason.keySet());
      assertArrayEquals(garbage, byReason.get("deserialization-failed").value());
      assertEquals(corrupt, new SingleObjectAvroSerde<>(CameraFrame.class).deserializer()
          .deserialize("x", byReason.get("undecodable-image").value()));
      for (ConsumerRecord<String, byte[]> r : dead) {
        assertEquals(settings.string("topic.frames"), ProcessorRun.header(r, DeadLetterHandler.SOURCE_TOPIC));
        assertTrue(ProcessorRun.header(r, DeadLetterHandler.SOURCE_OFFSET).matches("\\d+"));
      }
      assertEquals(1, stats.deadLettered(RejectReason.UNDECODABLE_IMAGE));
      assertEquals(1, stats.deadLettered(RejectReason.DESERIALIZATION_FAILED));
    }
  }

  /**
   * A portrait photo as a phone stores it (the pixels a quarter turn anticlockwise, EXIF orientation
   * 6, written by exiftool), sent as {@code produce} sends a file: the JPEG as it is, declaring the
   * stored size of its header. It used to be decoded turned by OpenCV and dead-lettered
   * ("decoded image is 384x381, frame declares 381x384"); now it is analysed as shown, and its faces
   * are found where they are in the upright photo.
   */
  @Test
  void aPhonePhotoWithAnExifOrientationIsAnalysedAsShownWithItsFacesFound(@TempDir Path dir) throws Exception {
    Assumptions.assumeTrue(ExifPhotos.available(), "exiftool is not installed (Debian: libimage-exiftool-perl)");
    Settings settings = settings("exif", Map.of());
    EncodedImage upright = photos.get(0);
    Path phone;
    try (Mat picture = io.emotionstream.frame.ImageDecoding.decodeBgr(upright.bytes(), "sample")) {
      phone = ExifPhotos.write(picture, 6, dir.resolve("phone.jpg"));
    }
    EncodedImage asProduced;
    try (ImageFilesSource source = new ImageFilesSource(List.of(phone),
        new ImageEncoder(ImageEncoding.JPEG, 4096, 90), false)) {
      asProduced = source.next().orElseThrow();
    }
    assertArrayEquals(Files.readAllBytes(phone), asProduced.bytes(), "produce sends the file as it is");
    assertEquals(upright.height(), asProduced.width(), "declared as stored: turned a quarter");
    assertEquals(upright.width(), asProduced.height());
    CameraFrame reference = TestFrames.frame("cam-1", 100, upright);
    CameraFrame portrait = TestFrames.frame("cam-2", 100, asProduced);
    try (EmotionStreams processor = new EmotionStreams(settings, KAFKA.analyzer());
        FrameProducer producer = new FrameProducer(settings)) {
      processor.start();
      assertTrue(processor.awaitRunning(Duration.ofSeconds(60)), "processor did not reach RUNNING");
      producer.send(reference).get();
      producer.send(portrait).get();
      FrameStats stats = processor.stats();
      ProcessorRun.await("both frames processed", () -> stats.framesProcessed() + stats.deadLettered() >= 2,
          Duration.ofMinutes(3));
      assertEquals(0, stats.deadLettered(), "nothing dead-lettered: " + stats.deadLetteredByReason());
      List<FaceEmotion> events = ProcessorRun.readEvents(settings, stats.faces(), Duration.ofSeconds(30));
      List<FaceEmotion> fromPhone = events.stream().filter(e -> e.getCameraId().equals("cam-2")).toList();
      List<FaceEmotion> fromReference = events.stream().filter(e -> e.getCameraId().equals("cam-1")).toList();
      assertTrue(fromReference.size() >= 2, "the sample photo shows several faces: " + fromReference.size());
      assertEquals(fromReference.size(), fromPhone.size(), "every face of the photo found in the phone's JPEG");
      System.out.printf("EXIF orientation 6 JPEG (%dx%d stored, %dx%d shown): %d faces found, %d in the upright"
          + " photo%n", asProduced.width(), asProduced.height(), upright.width(), upright.height(), fromPhone.size(),
          fromReference.size());
      for (FaceEmotion e : fromPhone) {
        var box = e.getBox();
        assertTrue(box.getX() + box.getWidth() <= upright.width() + 1 && box.getY() + box.getHeight() <= upright.height() + 1,
            "a box in the picture as shown (" + upright.width() + "x" + upright.height() + "): " + box);
        FaceEmotion same = fromReference.stream().min(java.util.Comparator.comparingDouble(
            r -> Math.hypot(r.getBox().getX() - box.getX(), r.getBox().getY() - box.getY()))).orElseThrow();
        assertTrue(Math.hypot(same.getBox().getX() - box.getX(), same.getBox().getY() - box.getY())
            < 0.1 * same.getBox().getWidth(), "found where the upright photo has it: " + box + " / " + same.getBox());
      }
    }
  }

  @Test
  void registryWireFormatEndToEnd() throws Exception {
    try (SchemaRegistryServer registry = SchemaRegistryServer.start()) {
      Settings settings = settings("reg", Map.of("wire.format", "registry", "schema.registry.url", registry.ccompatUrl()));
      List<CameraFrame> frames = List.of(TestFrames.frame("cam-r", 0, photos.get(0)),
          TestFrames.frame("cam-r", 1, photos.get(1)));
      try (EmotionStreams processor = new EmotionStreams(settings, KAFKA.analyzer());
          FrameProducer producer = new FrameProducer(settings)) {
        processor.start();
        assertTrue(processor.awaitRunning(Duration.ofSeconds(60)));
        for (CameraFrame f : frames) {
          producer.send(f).get();
        }
        FrameStats stats = processor.stats();
        ProcessorRun.await("both frames processed", () -> stats.framesProcessed() >= 2, Duration.ofMinutes(3));
        List<FaceEmotion> events = ProcessorRun.readEvents(settings, stats.faces(), Duration.ofSeconds(30));
        assertEquals(facesIn(frames.get(0)) + facesIn(frames.get(1)), events.size());
        List<ConsumerRecord<String, byte[]>> raw = ProcessorRun.readRaw(settings, settings.string("topic.events"),
            events.size(), Duration.ofSeconds(10));
        for (ConsumerRecord<String, byte[]> r : raw) {
          assertEquals(0, r.value()[0], "Confluent wire format starts with magic byte 0");
        }
        assertEquals(0, stats.deadLettered());
      }
    }
  }
}
