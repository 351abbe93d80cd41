package io.emotionstream.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.config.Settings;
import io.emotionstream.frame.EncodedImage;
import io.emotionstream.kafka.serde.RegistryAvroSerde;
import io.emotionstream.kafka.serde.SchemaRegistryClient;
import io.emotionstream.processor.ProcessorInstance;
import io.emotionstream.schema.CameraFrame;
import io.emotionstream.schema.FaceEmotion;
import io.emotionstream.testing.KafkaPipelineExtension;
import io.emotionstream.testing.ProcessorRun;
import io.emotionstream.testing.SamplePhotos;
import io.emotionstream.testing.SchemaRegistryServer;
import io.emotionstream.testing.TestCameras;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The schema registry (the real Apicurio server the tests use, keeping its schemas in a database
 * file) stopped for 60 s while frames stream in the {@code registry} wire format, some of them
 * written with a schema the processor has not fetched yet (a camera whose producer was upgraded):
 * the stream threads that need it wait, {@code /health/ready} says why, and once the registry is
 * back every frame yields its events exactly once; nothing is dead-lettered.
 */
class RegistryOutageIT {

  private static final Duration OUTAGE = Duration.ofSeconds(60);
  @RegisterExtension
  static final KafkaPipelineExtension KAFKA = KafkaPipelineExtension.broker();

  private static List<EncodedImage> photos;

  @BeforeAll
  static void loadPhotos() {
    photos = SamplePhotos.encoded(480, 1, 3);
  }

  @Test
  void atLeastOnceAnOutageOfTheRegistryDelaysFramesAndLosesOrRepeatsNone(@TempDir Path storage) throws Exception {
    outage("outage-alos", "at_least_once", storage);
  }

  /**
   * The same under exactly_once_v2: a thread that waits longer than the transaction timeout (60 s) has
   * its transaction aborted by the broker; it then rejoins and processes again from its last commit,
   * which read_committed readers see once.
   */
  @Test
  void exactlyOnceAnOutageOfTheRegistryDelaysFramesAndLosesOrRepeatsNone(@TempDir Path storage) throws Exception {
    outage("outage-eos", "exactly_once_v2", storage);
  }

  private void outage(String name, String guarantee, Path storage) throws Exception {
    try (SchemaRegistryServer registry = SchemaRegistryServer.start(storage)) {
      // every frame must yield its events, also those that waited through the outage (frame.max-age-ms=0)
      Settings settings = KAFKA.settings(name, Map.of("topics.partitions", "2", "wire.format", "registry",
          "schema.registry.url", registry.ccompatUrl(), "processing.guarantee", guarantee,
          "commit.interval.ms", "500", "ops.port", Integer.toString(ProcessorRun.freePort()),
          "model.hot-reload", "false", "topic.audit", name + "-audit",
          "cameras.file", TestCameras.optedIn("cam-a", "cam-b")));
      try (ProcessorInstance instance = ProcessorInstance.open(settings, false);
          FrameProducer producer = new FrameProducer(settings)) {
        Map<Integer, Integer> facesPerPhoto = new HashMap<>();
        for (int i = 0; i < photos.size(); i++) {
          facesPerPhoto.put(i, instance.analyzer().analyze(TestFrames.frame("cam-a", 0, photos.get(i))).events().size());
          assertTrue(facesPerPhoto.get(i) >= 1, "the sample photo shows faces");
        }
        instance.start();
        assertTrue(instance.processor().awaitRunning(Duration.ofSeconds(90)));
        URI ready = URI.create("http://127.0.0.1:" + instance.operations().port() + "/health/ready");
        ProcessorRun.await("ready", () -> get(ready).statusCode() == 200, Duration.ofSeconds(60));

        // a camera whose producer writes a newer CameraFrame schema (one more optional field), registered
        // by that producer at its start; the processor has never fetched it
        String subject = RegistryAvroSerde.subject(settings.string("topic.frames"));
        Schema newer = withField(CameraFrame.getClassSchema());
        int newerId = new SchemaRegistryClient(registry.ccompatUrl()).register(subject, newer);
        Map<String, Integer> sent = new TreeMap<>(); // camera/sequence -> photo
        long seq = 0;
        // before the outage, both cameras with the schema the processor has fetched already
        producer.send(frame("cam-a", seq, sent)).get();
        producer.send(frame("cam-b", seq, sent)).get();
        seq++;
        FrameStats stats = instance.stats();
        ProcessorRun.await("the first frames processed", () -> stats.framesProcessed() >= 2, Duration.ofMinutes(3));

        registry.stop();
        long stopped = System.nanoTime();
        List<String> notReady = new ArrayList<>();
        while (System.nanoTime() - stopped < OUTAGE.toNanos()) {
          producer.send(frame("cam-a", seq, sent)).get();
          ProcessorRun.sendRaw(settings, settings.string("topic.frames"), "cam-b",
              newer(frame("cam-b", seq, sent), newer, newerId));
          seq++;
          for (int i = 0; i < 4; i++) {
            HttpResponse<String> r = get(ready);
            if (r.statusCode() == 503) {
              notReady.add(r.body());
            }
            Thread.sleep(500);
          }
        }
        System.out.printf("registry down %d s: %d frames sent, %d processed meanwhile, /health/ready 503 %d of %d"
            + " times%n", OUTAGE.toSeconds(), sent.size(), stats.framesProcessed(), notReady.size(), (seq - 1) * 4);
        assertTrue(notReady.stream().anyMatch(b -> b.contains("schema registry") && b.contains("unavailable")),
            "readiness reports the registry while it is down: " + notReady);
        assertTrue(stats.framesProcessed() < sent.size(), "frames that need the registry waited");
        registry.restart();

        ProcessorRun.await("every frame processed", () -> stats.framesProcessed() + stats.deadLettered() >= sent.size(),
            Duration.ofMinutes(5));
        ProcessorRun.await("ready again", () -> get(ready).statusCode() == 200, Duration.ofSeconds(60));
        assertNull(instance.processor().registryProblem());
        assertEquals(0, stats.deadLettered(), "dead-lettered: " + stats.deadLetteredByReason());
        assertEquals(List.of(), ProcessorRun.readRaw(settings, settings.string("topic.dead-letter"), 1,
            Duration.ofSeconds(5)), "the dead-letter topic is empty");

        long expected = sent.values().stream().mapToLong(facesPerPhoto::get).sum();
        List<FaceEmotion> events = ProcessorRun.readEvents(settings, expected, Duration.ofSeconds(60));
        Map<String, Long> perFace = events.stream().collect(Collectors.groupingBy(
            e -> e.getCameraId() + "/" + e.getFrameSequence() + "/" + e.getFaceIndex(), TreeMap::new,
            Collectors.counting()));
        List<String> duplicated = perFace.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
            .toList();
        Map<String, Long> perFrame = events.stream().collect(Collectors.groupingBy(
            e -> e.getCameraId() + "/" + e.getFrameSequence(), TreeMap::new, Collectors.counting()));
        List<String> missing = new ArrayList<>();
        sent.forEach((frame, photo) -> {
          if (perFrame.getOrDefault(frame, 0L) < facesPerPhoto.get(photo)) {
            missing.add(frame);
          }
        });
        System.out.printf("%s: %d frames, %d events (expected %d), %d duplicated faces, %d frames missing,"
            + " %d dead letters%n", guarantee, sent.size(), events.size(), expected, duplicated.size(), missing.size(),
            stats.deadLettered());
        assertEquals(List.of(), missing, "frames without all their events");
        assertEquals(List.of(), duplicated, "faces with more than one event");
        assertEquals(expected, events.size());
      }
    }
  }

  private static CameraFrame frame(String camera, long seq, Map<String, Integer> sent) {
    int photo = (int) (seq % photos.size());
    sent.put(camera + "/" + seq, photo);
    return FrameProducer.frame(camera, seq, photos.get(photo), Instant.now(), null, Map.of());
  }

  private static HttpResponse<String> get(URI uri) {
    try {
      return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError("GET " + uri + " failed: " + e, e);
    }
  }

  /** CameraFrame with one more optional field, as a newer producer might write it. */
  private static Schema withField(Schema schema) {
    String json = schema.toString();
    String field = "{\"name\":\"lens\",\"type\":[\"null\",\"string\"],\"default\":null}";
    int end = json.lastIndexOf(']');
    return new Schema.Parser().parse(json.substring(0, end) + "," + field + json.substring(end));
  }

  /** {@code frame} in the Confluent wire format, written with the newer schema under its id. */
  private static byte[] newer(CameraFrame frame, Schema newer, int id) throws Exception {
    ByteArrayOutputStream plain = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(plain, null);
    new SpecificDatumWriter<CameraFrame>(CameraFrame.getClassSchema()).write(frame, encoder);
    encoder.flush();
    GenericRecord record = new GenericDatumReader<GenericRecord>(CameraFrame.getClassSchema(), newer, GenericData.get())
        .read(null, DecoderFactory.get().binaryDecoder(plain.toByteArray(), null));
    record.put("lens", "wide");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0);
    out.write(ByteBuffer.allocate(4).putInt(id).array());
    BinaryEncoder e = EncoderFactory.get().directBinaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(newer).write(record, e);
    e.flush();
    return out.toByteArray();
  }

  static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
