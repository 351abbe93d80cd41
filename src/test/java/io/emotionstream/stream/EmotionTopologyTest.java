package io.emotionstream.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.analysis.FrameAnalyzer;
import io.emotionstream.analysis.FrameLimits;
import io.emotionstream.analysis.RejectReason;
import io.emotionstream.config.Settings;
import io.emotionstream.detect.DetectedFace;
import io.emotionstream.detect.FaceDetector;
import io.emotionstream.emotion.EmotionClassifier;
import io.emotionstream.emotion.EmotionPrediction;
import io.emotionstream.frame.CropSpec;
import io.emotionstream.frame.EncodedImage;
import io.emotionstream.kafka.Topics;
import io.emotionstream.kafka.serde.SingleObjectAvroSerde;
import io.emotionstream.policy.CameraPolicies;
import io.emotionstream.policy.StatsDisclosure;
import io.emotionstream.schema.CameraFrame;
import io.emotionstream.schema.EmotionStats;
import io.emotionstream.schema.FaceEmotion;
import io.emotionstream.schema.FaceTrack;
import io.emotionstream.schema.ImageEncoding;
import io.emotionstream.testing.ProcessorRun;
import io.emotionstream.testing.TestCameras;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The topology on Kafka Streams' test driver. Detector and classifier are stand-ins here (this
 * test is about routing, keys, order and dead-lettering); the real ones run in the integration tests.
 */
class EmotionTopologyTest {

  private static final List<String> LABELS = List.of("neutral", "happy", "sad");

  private final SingleObjectAvroSerde<CameraFrame> frameSerde = new SingleObjectAvroSerde<>(CameraFrame.class);
  private final SingleObjectAvroSerde<FaceEmotion> eventSerde = new SingleObjectAvroSerde<>(FaceEmotion.class);
  private final SingleObjectAvroSerde<EmotionStats> statsSerde = new SingleObjectAvroSerde<>(EmotionStats.class);
  private final io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
      new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
  private final FrameStats stats = new FrameStats(registry);
  private final StripeDetector detector = new StripeDetector();
  private final SingleObjectAvroSerde<FaceTrack> trackSerde = new SingleObjectAvroSerde<>(FaceTrack.class);
  private TestOutputTopic<String, EmotionStats> statsTopic;
  private TestOutputTopic<String, EmotionStats> zoneStatsTopic;
  private TestOutputTopic<String, FaceTrack> tracksTopic;
  private TopologyTestDriver driver;
  private TestInputTopic<String, byte[]> frames;
  private TestOutputTopic<String, FaceEmotion> events;
  private TestOutputTopic<byte[], byte[]> deadLetters;
  /** The cameras this test streams, opted in; tests of the policy replace it. */
  private volatile CameraPolicies cameras = TestCameras.policies("cam-a", "cam-b", "cam-slow", "cam", "cam-f", "cam-p",
      "cam-h", "cam-ahead", "cam-behind", "cam-z");
  /** Every window published as counted (the disclosure step itself is tested below). */
  private StatsDisclosure disclosure = new StatsDisclosure(1, true);

  /** Finds one face per 100 px of image width, side by side; counts full and tracked searches. */
  private static final class StripeDetector implements FaceDetector {
    final java.util.concurrent.atomic.AtomicInteger full = new java.util.concurrent.atomic.AtomicInteger();
    final java.util.concurrent.atomic.AtomicInteger around = new java.util.concurrent.atomic.AtomicInteger();
    /** How many faces a tracked search finds (a face that turned away); negative: all. */
    volatile int aroundFinds = -1;

    @Override
    public List<DetectedFace> detectAround(Mat bgr, List<io.emotionstream.detect.FaceRegion> expected) {
      around.incrementAndGet();
      full.decrementAndGet();
      List<DetectedFace> all = detect(bgr);
      return aroundFinds < 0 ? all : all.subList(0, Math.min(aroundFinds, all.size()));
    }

    @Override
    public List<DetectedFace> detect(Mat bgr) {
      full.incrementAndGet();
      List<DetectedFace> faces = new ArrayList<>();
      for (int x = 0; x + 100 <= bgr.cols(); x += 100) {
        float[] lm = {x + 30, 30, x + 70, 30, x + 50, 50, x + 35, 70, x + 65, 70};
        faces.add(new DetectedFace(x, 0, x + 100, 100, 0.99f, lm));
      }
      return faces;
    }

    @Override
    public void close() {}
  }

  /** Faces the stand-in classifier was given. */
  private static final java.util.concurrent.atomic.AtomicInteger CLASSIFIED = new java.util.concurrent.atomic.AtomicInteger();
  /** emotion.min-confidence of the analyzer start() builds. */
  private double minConfidence = 0;

  /** Says "happy" for every face, with the crop's mean intensity folded into the scores. */
  private static final class FixedClassifier implements EmotionClassifier {
    @Override
    public CropSpec cropSpec() {
      return new CropSpec(48, 48, CropSpec.Framing.SQUARE, 0.1);
    }

    @Override
    public List<EmotionPrediction> classify(List<Mat> crops) {
      List<EmotionPrediction> out = new ArrayList<>();
      for (Mat crop : crops) {
        CLASSIFIED.incrementAndGet();
        assertEquals(48, crop.cols());
        out.add(new EmotionPrediction(LABELS, new float[] {0.2f, 0.7f, 0.1f}, "fixed", "1"));
      }
      return out;
    }

    @Override
    public void close() {}
  }

  @BeforeEach
  void start() {
    open(Map.of());
  }

  /**
   * (Re)builds the driver with the defaults and {@code extra} settings: the dead letters of this
   * test keep the rejected bytes (dead-letter.keep-pixels=true, the debugging setting), so that
   * they can be compared.
   */
  private void open(Map<String, String> extra) {
    if (driver != null) {
      driver.close();
    }
    Map<String, String> values = new java.util.HashMap<>(Map.of("stream.state-dir", ProcessorRun.freshStateDir(),
        "dead-letter.keep-pixels", "true"));
    values.putAll(extra);
    Settings settings = Settings.defaults().with(values, "test");
    Topics topics = Topics.from(settings);
    FrameAnalyzer analyzer = new FrameAnalyzer(detector,
        (image, face, spec) -> new Mat(image, new Rect((int) face.x1(), (int) face.y1(), 48, 48)).clone(),
        new FixedClassifier(), new FrameLimits(200_000, 2_000_000), Clock.systemUTC(), minConfidence);
    CLASSIFIED.set(0);
    Properties props = StreamsProperties.from(settings, stats);
    driver = new TopologyTestDriver(EmotionTopology.build(TopologySpec.from(settings,
        new EmotionTopology.TopologySerdes(frameSerde, eventSerde, statsSerde, trackSerde), analyzer, stats,
        () -> cameras, disclosure), props), props);
    zoneStatsTopic = driver.createOutputTopic(topics.zoneStats(), new StringDeserializer(), statsSerde.deserializer());
    tracksTopic = driver.createOutputTopic(topics.tracks(), new StringDeserializer(), trackSerde.deserializer());
    statsTopic = driver.createOutputTopic(topics.stats(), new StringDeserializer(), statsSerde.deserializer());
    frames = driver.createInputTopic(topics.frames(), new StringSerializer(), new ByteArraySerializer());
    events = driver.createOutputTopic(topics.events(), new StringDeserializer(), eventSerde.deserializer());
    deadLetters = driver.createOutputTopic(topics.deadLetter(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  private void send(CameraFrame frame) {
    // stamped now (not when the input topic was made) so that a slow test never ages frames past frame.max-age-ms
    frames.pipeInput(frame.getCameraId(), frameSerde.serializer().serialize("f", frame), java.time.Instant.now());
  }

  @Test
  void betweenFullSearchesOnlyTheTrackedFacesAreLookedFor() {
    for (int seq = 0; seq < 6; seq++) {
      send(TestFrames.frame("cam-a", seq * 100L, TestFrames.jpeg(300, 120)));
    }
    assertEquals(18, events.readValuesToList().size());
    // track.full-search-every=3: a full search on frames 0 and 3, the tracked faces refined on the rest
    assertEquals(2, detector.full.get());
    assertEquals(4, detector.around.get());
  }

  @Test
  void aCameraSlowerThanTheTrackGapGetsTheFullSearchOnEveryFrame() {
    send(TestFrames.frame("cam-slow", 0, TestFrames.jpeg(300, 120)));
    driver.advanceWallClockTime(Duration.ofSeconds(5)); // its tracks end before its next frame
    send(TestFrames.frame("cam-slow", 1, TestFrames.jpeg(300, 120)));
    assertEquals(6, events.readValuesToList().size());
    assertEquals(2, detector.full.get());
    assertEquals(0, detector.around.get());
  }

  @Test
  void aTrackedSearchThatMissesAFaceFallsBackToTheFullSearchOfTheSameFrame() {
    send(TestFrames.frame("cam-a", 0, TestFrames.jpeg(300, 120)));
    detector.aroundFinds = 1;
    send(TestFrames.frame("cam-a", 100, TestFrames.jpeg(300, 120)));
    List<FaceEmotion> out = events.readValuesToList();
    assertEquals(6, out.size(), "no face lost on the frame whose tracked search missed two");
    assertEquals(2, detector.full.get());
    assertEquals(1, detector.around.get());
  }

  @Test
  void facesKeepTheirTrackFromFrameToFrameAndEndedTracksAreSummarised() {
    // frames of the last second, 100 ms apart, with record timestamps as a producer sets them: the
    // capture times (the tracks' clock; a time ahead of the processor's clock would count as now)
    long t0 = System.currentTimeMillis() - 1_000;
    for (int seq = 0; seq < 5; seq++) {
      CameraFrame frame = TestFrames.frame("cam-a", seq, TestFrames.jpeg(300, 120));
      frame.setCaptureTime(java.time.Instant.ofEpochMilli(t0 + seq * 100L));
      pipe(frame, t0 + seq * 100L);
    }
    CameraFrame other = TestFrames.frame("cam-b", 0, TestFrames.jpeg(100, 120));
    other.setCaptureTime(java.time.Instant.ofEpochMilli(t0));
    pipe(other, t0);
    List<FaceEmotion> out = events.readValuesToList();
    assertEquals(16, out.size());
    Map<Integer, java.util.Set<String>> idsByFace = new java.util.HashMap<>();
    out.stream().filter(e -> e.getCameraId().equals("cam-a"))
        .forEach(e -> idsByFace.computeIfAbsent(e.getFaceIndex(), i -> new java.util.HashSet<>()).add(e.getTrackId()));
    assertEquals(3, idsByFace.size());
    idsByFace.forEach((face, ids) -> assertEquals(1, ids.size(), "face " + face + " ids " + ids));
    assertEquals(3, idsByFace.values().stream().flatMap(java.util.Set::stream).distinct().count());
    FaceEmotion last = out.get(14);
    assertEquals("happy", last.getSmoothedLabel());
    assertEquals(LABELS, last.getSmoothedScores().stream().map(s -> s.getLabel()).toList());
    assertEquals(0.7f, last.getSmoothedScores().get(1).getScore(), 1e-4);
    assertTrue(tracksTopic.isEmpty(), "no track has ended yet");

    // the cameras fall silent: after the gap their confirmed tracks end with a summary; cam-b's
    // face was seen once, a tentative track, and ends without one
    driver.advanceWallClockTime(Duration.ofSeconds(5));
    List<FaceTrack> ended = tracksTopic.readValuesToList();
    assertEquals(3, ended.size());
    for (FaceTrack track : ended) {
      assertEquals("cam-a", track.getCameraId());
      assertEquals(5, track.getFrames());
      assertEquals(400, track.getDwellMs());
      assertEquals("happy", track.getDominantLabel());
      assertEquals(1, track.getTimeline().size());
    }
    assertEquals(idsByFace.values().stream().flatMap(java.util.Set::stream).collect(java.util.stream.Collectors.toSet()),
        ended.stream().map(FaceTrack::getTrackId).collect(java.util.stream.Collectors.toSet()));
  }

  @Test
  void oneEventPerFaceKeyedByCameraInFrameOrder() {
    send(TestFrames.frame("cam-a", 0, TestFrames.jpeg(300, 120)));
    send(TestFrames.frame("cam-b", 0, TestFrames.jpeg(100, 120)));
    send(TestFrames.frame("cam-a", 1, TestFrames.jpeg(200, 120)));
    List<TestRecord<String, FaceEmotion>> out = events.readRecordsToList();
    assertEquals(6, out.size());
    List<String> seen = out.stream().map(r -> r.key() + "/" + r.value().getFrameSequence() + "/"
        + r.value().getFaceIndex()).toList();
    assertEquals(List.of("cam-a/0/0", "cam-a/0/1", "cam-a/0/2", "cam-b/0/0", "cam-a/1/0", "cam-a/1/1"), seen);
    FaceEmotion first = out.get(0).value();
    assertEquals("happy", first.getLabel());
    assertEquals(3, first.getFaceCount());
    assertEquals(LABELS, first.getScores().stream().map(s -> s.getLabel()).toList());
    assertEquals(5, first.getLandmarks().size());
    assertEquals(100f, first.getBox().getWidth());
    assertEquals("fixed", first.getModelName());
    assertEquals(3, stats.framesProcessed());
    assertEquals(6, stats.faces());
    assertTrue(deadLetters.isEmpty());
  }

  @Test
  void undeserializableRecordGoesToDeadLetterWithItsBytesAndTheStreamGoesOn() {
    send(TestFrames.frame("cam-a", 0, TestFrames.jpeg(100, 50)));
    byte[] garbage = "not an avro record".getBytes(StandardCharsets.UTF_8);
    frames.pipeInput("cam-a", garbage);
    send(TestFrames.frame("cam-a", 2, TestFrames.jpeg(100, 50)));

    assertEquals(List.of(0L, 2L), events.readValuesToList().stream().map(FaceEmotion::getFrameSequence).toList());
    TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
    assertArrayEquals(garbage, dead.value());
    assertEquals("cam-a", new String(dead.key(), StandardCharsets.UTF_8));
    assertEquals("deserialization-failed", header(dead, DeadLetterHandler.REASON));
    assertEquals("camera-frames", header(dead, DeadLetterHandler.SOURCE_TOPIC));
    assertEquals("1", header(dead, DeadLetterHandler.SOURCE_OFFSET));
    assertEquals("0", header(dead, DeadLetterHandler.SOURCE_PARTITION));
    assertEquals(1, stats.deadLettered(RejectReason.DESERIALIZATION_FAILED));
  }

  @Test
  void badImagesAreRejectedWithTheirReason() {
    EncodedImage good = TestFrames.jpeg(100, 50);
    byte[] corrupt = good.bytes().clone();
    java.util.Arrays.fill(corrupt, 2, corrupt.length, (byte) 0x00);
    send(TestFrames.frame("cam", 0, new EncodedImage(corrupt, ImageEncoding.JPEG, 100, 50, "corrupt")));
    send(TestFrames.frame("cam", 1, new EncodedImage(good.bytes(), ImageEncoding.JPEG, 640, 480, "lies about its size")));
    send(TestFrames.frame("cam", 2, new EncodedImage(good.bytes(), ImageEncoding.PNG, 100, 50, "wrong encoding")));
    EncodedImage big = TestFrames.jpeg(1600, 1300); // 2.08 Mpx > 2 Mpx limit
    send(TestFrames.frame("cam", 3, big));
    CameraFrame huge = TestFrames.frame("cam", 4, good);
    huge.setImage(ByteBuffer.wrap(new byte[300_000]));
    send(huge);
    send(TestFrames.frame("cam", 5, good));

    List<String> reasons = deadLetters.readRecordsToList().stream().map(r -> header(r, DeadLetterHandler.REASON)).toList();
    assertEquals(List.of("undecodable-image", "dimension-mismatch", "encoding-mismatch", "too-many-pixels",
        "image-too-large"), reasons);
    assertEquals(List.of(5L), events.readValuesToList().stream().map(FaceEmotion::getFrameSequence).toList());
    assertEquals(Map.of("dimension-mismatch", 1L, "encoding-mismatch", 1L, "image-too-large", 1L,
        "too-many-pixels", 1L, "undecodable-image", 1L), stats.deadLetteredByReason());
  }

  @Test
  void deadLetterKeepsOriginalBytesOfRejectedFrames() {
    CameraFrame frame = TestFrames.frame("cam", 9, new EncodedImage(new byte[] {1, 2, 3}, ImageEncoding.JPEG, 10, 10, "x"));
    byte[] original = frameSerde.serializer().serialize("f", frame);
    frames.pipeInput("cam", original, java.time.Instant.now());
    TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
    assertArrayEquals(original, dead.value());
    assertTrue(header(dead, DeadLetterHandler.DETAIL).contains("camera cam frame 9"), header(dead, DeadLetterHandler.DETAIL));
  }

  @Test
  void countsEmotionsPerCameraPerWindowOnceWhenTheCamerasTimeHasPassedTheWindowAndItsGrace() {
    // capture times just now, record timestamps in 2023: the camera's clock is not believed (more than
    // frame.max-clock-skew-ms apart), so the frames' time is the record timestamps (FrameTiming), which
    // the windows follow; shedding is off, as these frames are years old by that time
    open(Map.of("frame.max-age-ms", "0"));
    long t0 = 1_700_000_040_000L - (1_700_000_040_000L % 60_000);
    pipe(fresh(TestFrames.frame("cam-a", 0, TestFrames.jpeg(300, 120))), t0 + 1_000);
    pipe(fresh(TestFrames.frame("cam-b", 0, TestFrames.jpeg(200, 120))), t0 + 2_000);
    pipe(fresh(TestFrames.frame("cam-a", 1, TestFrames.jpeg(100, 120))), t0 + 30_000);
    pipe(fresh(TestFrames.frame("cam-a", 2, TestFrames.jpeg(200, 120))), t0 + 61_000);
    assertTrue(statsTopic.isEmpty(), "no window has closed: cam-a's time is t0+61 s, its first window closes at t0+70 s");
    pipe(fresh(TestFrames.frame("cam-a", 3, TestFrames.jpeg(100, 120))), t0 + 70_000);

    List<TestRecord<String, EmotionStats>> out = statsTopic.readRecordsToList();
    assertEquals(1, out.size(), "only cam-a's first window closed: " + out);
    EmotionStats first = out.get(0).value();
    assertEquals("cam-a", out.get(0).key());
    assertEquals(t0, first.getWindowStart().toEpochMilli());
    assertEquals(t0 + 60_000, first.getWindowEnd().toEpochMilli());
    assertEquals(t0 + 60_000, out.get(0).timestamp(), "a window record is stamped with the window's end");
    assertEquals(4L, first.getFaces());
    assertEquals(Map.of("happy", 4L), first.getCounts());
    assertEquals(2L, first.getFramesAnalysed());
    assertEquals(0L, first.getFramesShed());

    // cam-b sends nothing more: after the grace period its time runs on with the wall clock, and so
    // does cam-a's; every remaining window closes, each exactly once
    driver.advanceWallClockTime(Duration.ofSeconds(5));
    assertTrue(statsTopic.isEmpty(), "silent for less than the grace period");
    driver.advanceWallClockTime(Duration.ofSeconds(80));
    Map<String, EmotionStats> rest = new java.util.TreeMap<>();
    for (TestRecord<String, EmotionStats> r : statsTopic.readRecordsToList()) {
      assertEquals(null, rest.put(r.key() + "@" + (r.value().getWindowStart().toEpochMilli() - t0), r.value()),
          "a second record for " + r.key() + " " + r.value().getWindowStart());
    }
    assertEquals(java.util.Set.of("cam-a@60000", "cam-b@0"), rest.keySet());
    assertEquals(3L, rest.get("cam-a@60000").getFaces());
    assertEquals(2L, rest.get("cam-a@60000").getFramesAnalysed());
    assertEquals(2L, rest.get("cam-b@0").getFaces());
    driver.advanceWallClockTime(Duration.ofSeconds(120));
    assertTrue(statsTopic.isEmpty(), "nothing is sent twice");

    // the store behind /api/stats keeps the closed windows
    var store = driver.<String, EmotionStats>getKeyValueStore(EmotionTopology.STATS_STORE);
    String[] range = EmotionTopology.statsKeyRange("cam-a");
    List<Long> faces = new ArrayList<>();
    try (var it = store.range(range[0], range[1])) {
      it.forEachRemaining(kv -> faces.add(kv.value.getFaces()));
    }
    assertEquals(List.of(4L, 3L), faces);
  }

  @Test
  void aCameraBehindAnotherOnTheSamePartitionLosesNoFrameAndEachWindowIsSentOnce() {
    open(Map.of("frame.max-age-ms", "0", "stats.window-seconds", "10", "stats.grace-seconds", "2"));
    // cam-ahead and cam-behind share the one partition of the test driver; cam-behind's frames were
    // captured 30 s before cam-ahead's, both sent now (record timestamp = send time)
    long sent = System.currentTimeMillis() - 120_000;
    sent -= sent % 10_000;
    Map<String, Long> framesPerWindow = new java.util.TreeMap<>();
    for (int i = 0; i < 60; i++) {
      long t = sent + i * 1_000L;
      for (String camera : List.of("cam-ahead", "cam-behind")) {
        long capture = camera.equals("cam-ahead") ? t : t - 30_000;
        CameraFrame frame = TestFrames.frame(camera, i, TestFrames.jpeg(100, 60));
        frame.setCaptureTime(java.time.Instant.ofEpochMilli(capture));
        pipe(frame, t);
        framesPerWindow.merge(camera + "@" + (capture - capture % 10_000), 1L, Long::sum);
      }
    }
    driver.advanceWallClockTime(Duration.ofSeconds(30));
    Map<String, EmotionStats> got = new java.util.TreeMap<>();
    for (TestRecord<String, EmotionStats> r : statsTopic.readRecordsToList()) {
      assertEquals(null, got.put(r.key() + "@" + r.value().getWindowStart().toEpochMilli(), r.value()),
          "a second record for " + r.key() + " " + r.value().getWindowStart());
    }
    assertEquals(framesPerWindow.keySet(), got.keySet());
    framesPerWindow.forEach((window, n) -> {
      assertEquals(n, got.get(window).getFramesAnalysed(), window);
      assertEquals(n, got.get(window).getFaces(), window + ": one face per frame");
    });
    assertEquals(0, stats.framesLateForWindow("cam-behind"));
  }

  @Test
  void aFrameOlderThanItsCamerasClosedWindowIsCountedAsLateAndItsEventsStillLeave() {
    open(Map.of("frame.max-age-ms", "0", "stats.window-seconds", "10", "stats.grace-seconds", "2"));
    long t = System.currentTimeMillis() - 60_000;
    t -= t % 10_000;
    for (long at : new long[] {t + 1_000, t + 13_000, t + 2_000, t + 12_500}) {
      CameraFrame frame = TestFrames.frame("cam-a", at - t, TestFrames.jpeg(100, 60));
      frame.setCaptureTime(java.time.Instant.ofEpochMilli(at));
      pipe(frame, at);
    }
    assertEquals(4, events.readValuesToList().size());
    assertEquals(1, stats.framesLateForWindow("cam-a"), "t+2 s came when cam-a's time was t+13 s: window [t, t+10) had closed");
    List<EmotionStats> out = statsTopic.readValuesToList();
    assertEquals(1, out.size());
    assertEquals(1L, out.get(0).getFramesAnalysed());
    driver.advanceWallClockTime(Duration.ofSeconds(30));
    out = statsTopic.readValuesToList();
    assertEquals(1, out.size());
    assertEquals(2L, out.get(0).getFramesAnalysed(), "t+13 s and t+12.5 s");
  }

  @Test
  void siteZoneAndTagsOfTheFrameReachEventsTracksAndWindowCounts() {
    open(Map.of("frame.max-age-ms", "0", "stats.window-seconds", "10", "stats.grace-seconds", "1"));
    long t = System.currentTimeMillis() - 60_000;
    for (int seq = 0; seq < 3; seq++) {
      CameraFrame frame = FrameProducer.frame("cam-z", seq, TestFrames.jpeg(200, 120),
          java.time.Instant.ofEpochMilli(t + seq * 100L), "store-7", Map.of("zone", "checkout", "floor", "1"));
      pipe(frame, t + seq * 100L);
    }
    for (FaceEmotion e : events.readValuesToList()) {
      assertEquals("store-7", e.getSiteId());
      assertEquals("checkout", e.getZone());
      assertEquals(Map.of("zone", "checkout", "floor", "1"), e.getTags());
    }
    driver.advanceWallClockTime(Duration.ofSeconds(30));
    List<FaceTrack> tracks = tracksTopic.readValuesToList();
    assertEquals(2, tracks.size());
    for (FaceTrack track : tracks) {
      assertEquals("store-7", track.getSiteId());
      assertEquals("checkout", track.getZone());
      assertEquals(Map.of("zone", "checkout", "floor", "1"), track.getTags());
    }
    List<EmotionStats> windows = statsTopic.readValuesToList();
    assertTrue(!windows.isEmpty());
    for (EmotionStats w : windows) {
      assertEquals("store-7", w.getSiteId());
      assertEquals("checkout", w.getZone());
      assertEquals(Map.of("zone", "checkout", "floor", "1"), w.getTags());
    }
  }

  @Test
  void implausibleCaptureTimesAreCountedPerCameraAndLatencyIsMeasuredFromTheRecordTimestamp() {
    long now = System.currentTimeMillis();
    CameraFrame future = TestFrames.frame("cam-f", 0, TestFrames.jpeg(100, 50));
    future.setCaptureTime(java.time.Instant.parse("2999-01-01T00:00:00Z"));
    CameraFrame past = TestFrames.frame("cam-p", 0, TestFrames.jpeg(100, 50));
    past.setCaptureTime(java.time.Instant.EPOCH);
    CameraFrame honest = TestFrames.frame("cam-h", 0, TestFrames.jpeg(100, 50));
    honest.setCaptureTime(java.time.Instant.ofEpochMilli(now - 1_500));
    pipe(future, now);
    pipe(past, now);
    pipe(honest, now);
    List<FaceEmotion> out = events.readValuesToList();
    assertEquals(3, out.size());
    assertEquals(future.getCaptureTime(), out.get(0).getCaptureTime(), "events keep the capture time they were given");
    assertEquals(java.time.Instant.EPOCH, out.get(1).getCaptureTime());
    for (FaceEmotion e : out.subList(0, 2)) {
      assertTrue(e.getLatencyMs() >= 0 && e.getLatencyMs() < 60_000, e.getCameraId() + " latency " + e.getLatencyMs());
    }
    assertTrue(out.get(2).getLatencyMs() >= 1_500, "a plausible capture time is believed: " + out.get(2).getLatencyMs());
    assertEquals(1, stats.clockSkewed("cam-f"));
    assertEquals(1, stats.clockSkewed("cam-p"));
    assertEquals(0, stats.clockSkewed("cam-h"));
  }

  @Test
  void framesOlderThanMaxAgeAreShedCountedAndNotAnalysed() {
    long now = System.currentTimeMillis();
    long maxAge = Settings.defaults().longValue("frame.max-age-ms");
    assertTrue(maxAge > 0, "shedding is on by default");
    CameraFrame stale = TestFrames.frame("cam-a", 0, TestFrames.jpeg(200, 120));
    stale.setCaptureTime(java.time.Instant.ofEpochMilli(now - maxAge - 10_000));
    pipe(stale, now - maxAge - 10_000);
    CameraFrame staleB = TestFrames.frame("cam-b", 0, TestFrames.jpeg(100, 120));
    staleB.setCaptureTime(java.time.Instant.ofEpochMilli(now - maxAge - 10_000));
    pipe(staleB, now - maxAge - 9_000);
    pipe(fresh(TestFrames.frame("cam-a", 1, TestFrames.jpeg(100, 120))), now);
    // a camera clock an hour behind: its age is taken from the record timestamp, not its capture time
    CameraFrame wrongClock = TestFrames.frame("cam-a", 2, TestFrames.jpeg(100, 120));
    wrongClock.setCaptureTime(java.time.Instant.ofEpochMilli(now - 3_600_000));
    pipe(wrongClock, now);

    assertEquals(List.of(1L, 2L), events.readValuesToList().stream().map(FaceEmotion::getFrameSequence).toList());
    assertEquals(2, stats.framesShed());
    assertEquals(2, stats.framesProcessed());
    assertEquals(4, stats.framesReceived());
    assertEquals(1.0, registry.get("emotionstream.frames.shed").tag("camera", "cam-a").tag("reason", "too-old")
        .counter().count());
    assertEquals(1.0, registry.get("emotionstream.frames.shed").tag("camera", "cam-b").tag("reason", "too-old")
        .counter().count());
    assertTrue(deadLetters.isEmpty());
    long analysedA = 0;
    long shedA = 0;
    long shedB = 0;
    long facesB = 0;
    var store = driver.<String, EmotionStats>getKeyValueStore(EmotionTopology.STATS_STORE);
    try (var it = store.all()) {
      while (it.hasNext()) {
        EmotionStats w = it.next().value;
        if (w.getCameraId().equals("cam-a")) {
          analysedA += w.getFramesAnalysed();
          shedA += w.getFramesShed();
        } else {
          shedB += w.getFramesShed();
          facesB += w.getFaces();
        }
      }
    }
    assertEquals(2, analysedA);
    assertEquals(1, shedA);
    assertEquals(1L, shedB);
    assertEquals(0L, facesB);
  }

  @Test
  void nothingIsShedWhenMaxAgeIsZero() {
    open(Map.of("frame.max-age-ms", "0"));
    long old = System.currentTimeMillis() - 3_600_000;
    CameraFrame frame = TestFrames.frame("cam-a", 0, TestFrames.jpeg(100, 120));
    frame.setCaptureTime(java.time.Instant.ofEpochMilli(old));
    pipe(frame, old);
    assertEquals(1, events.readValuesToList().size());
    assertEquals(0, stats.framesShed());
  }

  // --- the camera policy ------------------------------------------------------------------------

  @Test
  void framesOfCamerasThePolicyDoesNotAllowAreCountedAndNeverDecoded() {
    cameras = io.emotionstream.policy.CameraFile.parse("""
        cameras:
          - {id: cam-a, emotion: true, context: customer-area, purpose: p}
          - {id: cam-off, context: customer-area}
          - {id: cam-staff, emotion: true, context: staff-area, purpose: p}
          - {id: cam-night, emotion: true, context: workplace, purpose: p,
             exemption: {reason: safety, justification: lone night work}}
        """, "cameras.yaml");
    send(TestFrames.frame("cam-off", 0, TestFrames.jpeg(300, 120)));
    send(TestFrames.frame("cam-staff", 0, TestFrames.jpeg(300, 120)));
    send(TestFrames.frame("cam-staff", 1, TestFrames.jpeg(300, 120)));
    send(TestFrames.frame("cam-unknown", 0, TestFrames.jpeg(300, 120)));
    assertTrue(events.isEmpty());
    assertTrue(statsTopic.isEmpty(), "refused frames leave no window counts either");
    assertEquals(0, detector.full.get(), "never decoded or searched");
    assertEquals(1, stats.framesRefused("cam-off", io.emotionstream.policy.Refusal.NOT_OPTED_IN));
    assertEquals(2, stats.framesRefused("cam-staff", io.emotionstream.policy.Refusal.PROHIBITED_CONTEXT));
    assertEquals(1, stats.framesRefused("cam-unknown", io.emotionstream.policy.Refusal.NOT_LISTED));
    assertEquals(2.0, registry.get("emotionstream.frames.refused").tag("camera", "cam-staff")
        .tag("reason", "prohibited-context").counter().count());
    assertEquals(0, stats.framesProcessed());

    send(TestFrames.frame("cam-night", 0, TestFrames.jpeg(300, 120)));
    send(TestFrames.frame("cam-a", 0, TestFrames.jpeg(100, 120)));
    assertEquals(List.of("cam-night", "cam-night", "cam-night", "cam-a"),
        events.readValuesToList().stream().map(FaceEmotion::getCameraId).toList(), "an exemption allows analysis");
  }

  @Test
  void aNewPolicyTakesEffectWithTheNextFrame() {
    send(TestFrames.frame("cam-a", 0, TestFrames.jpeg(100, 120)));
    cameras = TestCameras.policies("cam-b");
    send(TestFrames.frame("cam-a", 1, TestFrames.jpeg(100, 120)));
    assertEquals(List.of(0L), events.readValuesToList().stream().map(FaceEmotion::getFrameSequence).toList());
    assertEquals(1, stats.framesRefused("cam-a", io.emotionstream.policy.Refusal.NOT_LISTED));
  }

  @Test
  void facesInAPrivacyMaskAreNeverClassifiedTrackedOrCounted() {
    // StripeDetector: faces at x 0-100, 100-200, 200-300 of a 300 px frame; the mask covers the left third
    cameras = io.emotionstream.policy.CameraFile.parse("""
        cameras:
          - id: cam-a
            emotion: true
            context: customer-area
            purpose: p
            masks: [[[0, 0], [0.33, 0], [0.33, 1], [0, 1]]]
        """, "cameras.yaml");
    send(TestFrames.frame("cam-a", 0, TestFrames.jpeg(300, 120)));
    send(TestFrames.frame("cam-a", 1, TestFrames.jpeg(300, 120)));
    List<FaceEmotion> out = events.readValuesToList();
    assertEquals(4, out.size());
    assertEquals(4, CLASSIFIED.get(), "the masked face reached no classifier");
    for (FaceEmotion e : out) {
      assertTrue(e.getBox().getX() >= 100, "masked face emitted: " + e.getBox());
      assertEquals(2, e.getFaceCount());
    }
    assertEquals(4, stats.faces());
    assertEquals(2, out.stream().map(FaceEmotion::getTrackId).distinct().count(), "two tracks, none for the masked face");
    driver.advanceWallClockTime(Duration.ofMinutes(3)); // the camera falls silent: its windows close
    long counted = statsTopic.readValuesToList().stream().mapToLong(EmotionStats::getFaces).sum();
    assertEquals(4, counted);
  }

  @Test
  void zonesAreCountedInWindowsOfTheirOwn() {
    cameras = io.emotionstream.policy.CameraFile.parse("""
        cameras:
          - id: cam-a
            emotion: true
            context: customer-area
            purpose: p
            zones:
              till: [[0.6, 0], [1, 0], [1, 1], [0.6, 1]]
              door: [[0, 0], [0.1, 0], [0.1, 0.1]]
        """, "cameras.yaml");
    send(TestFrames.frame("cam-a", 0, TestFrames.jpeg(300, 120)));
    driver.advanceWallClockTime(Duration.ofMinutes(3)); // the camera falls silent: its windows close
    Map<String, EmotionStats> latest = new java.util.HashMap<>();
    for (TestRecord<String, EmotionStats> r : zoneStatsTopic.readRecordsToList()) {
      assertEquals(null, latest.put(r.key(), r.value()), "one final record per zone and window");
    }
    assertEquals(java.util.Set.of("cam-a/till", "cam-a/door"), latest.keySet());
    assertEquals(1, latest.get("cam-a/till").getFaces(), "only the face centred at x=250 lies in the till zone");
    assertEquals("cam-a", latest.get("cam-a/till").getCameraId());
    assertEquals(0, latest.get("cam-a/door").getFaces());
    assertEquals(1, latest.get("cam-a/door").getFramesAnalysed());
    assertEquals(List.of("cam-a"), statsTopic.readRecordsToList().stream().map(TestRecord::key).distinct().toList(),
        "the camera's own windows stay on the stats topic");
  }

  @Test
  void windowsWithFewerPeopleThanTheMinimumLeaveSuppressedAndMarked() {
    disclosure = new StatsDisclosure(3, false);
    open(Map.of());
    send(TestFrames.frame("cam-a", 0, TestFrames.jpeg(200, 120))); // 2 people
    send(TestFrames.frame("cam-b", 0, TestFrames.jpeg(300, 120))); // 3 people
    driver.advanceWallClockTime(Duration.ofMinutes(3)); // the cameras fall silent: their windows close
    Map<String, TestRecord<String, EmotionStats>> latest = new java.util.HashMap<>();
    statsTopic.readRecordsToList().forEach(r -> latest.put(r.key(), r));
    TestRecord<String, EmotionStats> small = latest.get("cam-a");
    assertEquals(0, small.value().getFaces());
    assertEquals(Map.of(), small.value().getCounts());
    assertEquals(0, small.value().getUniqueTracks());
    assertEquals(1, small.value().getFramesAnalysed());
    assertEquals("true", new String(small.headers().lastHeader(StatsDisclosure.SUPPRESSED_HEADER).value(),
        StandardCharsets.UTF_8));
    assertEquals("3", new String(small.headers().lastHeader(StatsDisclosure.MIN_PEOPLE_HEADER).value(),
        StandardCharsets.UTF_8));
    TestRecord<String, EmotionStats> enough = latest.get("cam-b");
    assertEquals(3, enough.value().getFaces());
    assertEquals(3, enough.value().getUniqueTracks());
    assertEquals(List.of(), enough.value().getTrackIds(), "track ids stay in unless stats.track-ids");
    assertEquals(null, enough.headers().lastHeader(StatsDisclosure.SUPPRESSED_HEADER));
    var store = driver.<String, EmotionStats>getKeyValueStore(EmotionTopology.STATS_STORE);
    String[] range = EmotionTopology.statsKeyRange("cam-a");
    long kept = 0;
    try (var it = store.range(range[0], range[1])) {
      while (it.hasNext()) {
        kept += it.next().value.getFaces();
      }
    }
    assertEquals(2, kept, "the window store keeps counting; only what leaves is suppressed");
  }

  @Test
  void belowTheMinimumConfidenceTheLabelIsAnAbstention() {
    minConfidence = 0.8; // the stand-in classifier is 0.7 sure of "happy"
    open(Map.of());
    send(TestFrames.frame("cam-a", 0, TestFrames.jpeg(100, 120)));
    FaceEmotion event = events.readValue();
    assertEquals("unknown", event.getLabel());
    assertEquals("unknown", event.getSmoothedLabel(), "the smoothed label abstains alike");
    assertEquals(0.7f, event.getScores().get(1).getScore(), 1e-6, "the scores are kept");
    minConfidence = 0.6;
    open(Map.of());
    send(TestFrames.frame("cam-a", 0, TestFrames.jpeg(100, 120)));
    FaceEmotion sure = events.readValue();
    assertEquals("happy", sure.getLabel());
    assertEquals("happy", sure.getSmoothedLabel());
  }

  private static CameraFrame fresh(CameraFrame frame) {
    frame.setCaptureTime(java.time.Instant.now());
    return frame;
  }

  private void pipe(CameraFrame frame, long timestamp) {
    frames.pipeInput(frame.getCameraId(), frameSerde.serializer().serialize("f", frame), timestamp);
  }

  private static String header(TestRecord<byte[], byte[]> record, String name) {
    Header h = record.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  // --- camera ids, clocks, and state that follows the cameras in view ---------------------------

  @Test
  void framesOfInvalidCameraIdsAreDeadLetteredWithTheIdEscaped() {
    send(TestFrames.frame("door\nINFO forged log line", 0, TestFrames.jpeg(100, 120)));
    send(TestFrames.frame("x".repeat(65), 1, TestFrames.jpeg(100, 120)));
    send(TestFrames.frame("cam-a", 2, TestFrames.jpeg(100, 120)));
    List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
    assertEquals(2, dead.size());
    for (TestRecord<byte[], byte[]> d : dead) {
      assertEquals("invalid-camera-id", header(d, DeadLetterHandler.REASON));
      assertTrue(!header(d, DeadLetterHandler.DETAIL).contains("\n"), header(d, DeadLetterHandler.DETAIL));
    }
    assertTrue(header(dead.get(0), DeadLetterHandler.DETAIL).contains("\"door\\u000aINFO forged log line\""),
        header(dead.get(0), DeadLetterHandler.DETAIL));
    assertTrue(header(dead.get(1), DeadLetterHandler.DETAIL).contains("65 characters long"),
        header(dead.get(1), DeadLetterHandler.DETAIL));
    assertEquals(2, stats.deadLettered(io.emotionstream.analysis.RejectReason.INVALID_CAMERA_ID));
    assertEquals(List.of("cam-a"), events.readValuesToList().stream().map(FaceEmotion::getCameraId).toList());
    assertEquals(1, detector.full.get(), "only the valid camera's frame was decoded and searched");
    assertTrue(registry.find("emotionstream.frames.refused").counters().isEmpty(), "an invalid id is never a label");
  }

  @Test
  void aFrameFromTheFutureCountsAsNowAndMovesNoClockAheadOfNow() {
    // cam-f's frames of the last two seconds, then one stamped two minutes ahead (within the
    // tolerance, its record timestamp agrees), then its next frames as before; nothing shed, however slow the test
    open(Map.of("frame.max-age-ms", "0"));
    long t0 = System.currentTimeMillis() - 2_000;
    for (int seq = 0; seq < 8; seq++) {
      long capture = seq == 4 ? System.currentTimeMillis() + 120_000 : t0 + seq * 100L;
      CameraFrame frame = TestFrames.frame("cam-f", seq, TestFrames.jpeg(300, 120));
      frame.setCaptureTime(java.time.Instant.ofEpochMilli(capture));
      pipe(frame, capture);
    }
    List<FaceEmotion> out = events.readValuesToList();
    assertEquals(24, out.size());
    for (FaceEmotion e : out) {
      assertTrue(e.getLatencyMs() >= 0 && e.getLatencyMs() < 60_000, e.getFrameSequence() + ": " + e.getLatencyMs());
    }
    // the tracks went on through the frame from the future (the track clock moved to now, not 2 min on)
    assertEquals(3, out.stream().map(FaceEmotion::getTrackId).distinct().count(), "one track per face throughout");
    assertEquals(0, stats.framesLateForWindow("cam-f"), "the frame from the future closed no window early");
    driver.advanceWallClockTime(Duration.ofSeconds(5));
    List<FaceTrack> ended = tracksTopic.readValuesToList();
    assertEquals(3, ended.size());
    for (FaceTrack t : ended) {
      assertTrue(t.getLastSeen().toEpochMilli() <= System.currentTimeMillis(), "last seen " + t.getLastSeen());
      assertTrue(t.getDwellMs() < 10_000, "dwell " + t.getDwellMs());
    }
  }

  @Test
  void aSilentCameraWithoutTracksIsForgottenByTheTrackerAndItsStore() {
    send(TestFrames.frame("cam-a", 0, TestFrames.jpeg(300, 120)));
    send(TestFrames.frame("cam-a", 100, TestFrames.jpeg(300, 120)));
    send(TestFrames.frame("cam-b", 0, TestFrames.jpeg(100, 120)));
    org.apache.kafka.streams.state.KeyValueStore<String, io.emotionstream.schema.TrackerState> store =
        driver.getKeyValueStore(FrameTracks.STORE);
    assertTrue(store.get("cam-a") != null && store.get("cam-b") != null);
    List<String> firstIds = events.readValuesToList().stream().map(FaceEmotion::getTrackId).distinct().toList();
    driver.advanceWallClockTime(Duration.ofSeconds(5)); // longer than track.max-gap-ms: every track ends
    assertEquals(3, tracksTopic.readValuesToList().size(), "cam-a's three tracks (cam-b's face, seen once, never counted)");
    assertEquals(null, store.get("cam-a"), "deleted (a tombstone on the changelog)");
    assertEquals(null, store.get("cam-b"));
    try (var all = store.all()) {
      assertTrue(!all.hasNext(), "no camera left in the tracker store");
    }
    // it comes back as a camera new to the task: new tracks, a full search
    int full = detector.full.get();
    send(TestFrames.frame("cam-a", 200, TestFrames.jpeg(300, 120)));
    assertEquals(full + 1, detector.full.get());
    List<FaceEmotion> again = events.readValuesToList();
    assertEquals(3, again.size());
    assertTrue(again.stream().noneMatch(e -> firstIds.contains(e.getTrackId())));
    assertTrue(store.get("cam-a") != null);
  }

  @Test
  void aSilentCameraIsForgottenByTheWindowCountsOnceItsLastWindowHasExpired() {
    open(Map.of("stats.window-seconds", "10", "stats.grace-seconds", "1", "stats.store-retention-minutes", "0"));
    send(TestFrames.frame("cam-a", 0, TestFrames.jpeg(100, 120)));
    org.apache.kafka.streams.state.KeyValueStore<String, Long> clocks = driver.getKeyValueStore(CameraWindows.CLOCKS);
    org.apache.kafka.streams.state.KeyValueStore<String, EmotionStats> windows =
        driver.getKeyValueStore(CameraWindows.WINDOWS);
    assertTrue(clocks.get("cam-a") != null);
    try (var all = windows.all()) {
      assertTrue(all.hasNext());
    }
    driver.advanceWallClockTime(Duration.ofSeconds(30)); // its window closes, is sent, and expires at once
    assertEquals(1, statsTopic.readValuesToList().size());
    assertEquals(null, clocks.get("cam-a"), "the camera's clock is deleted once it has no window left");
    try (var all = windows.all()) {
      assertTrue(!all.hasNext(), "no window left");
    }
  }
}
