package io.emotionstream.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.analysis.FrameAnalyzer;
import io.emotionstream.config.Settings;
import io.emotionstream.frame.EncodedImage;
import io.emotionstream.kafka.EmbeddedKafka;
import io.emotionstream.kafka.serde.SingleObjectAvroSerde;
import io.emotionstream.ops.Operations;
import io.emotionstream.processor.Pipeline;
import io.emotionstream.schema.CameraFrame;
import io.emotionstream.schema.EmotionStats;
import io.emotionstream.schema.FaceEmotion;
import io.emotionstream.schema.ImageEncoding;
import io.emotionstream.stream.DeadLetterHandler;
import io.emotionstream.stream.EmotionStreams;
import io.emotionstream.stream.FrameProducer;
import io.emotionstream.stream.TestFrames;
import io.emotionstream.testing.ProcessorRun;
import io.emotionstream.testing.PrometheusText;
import io.emotionstream.testing.SamplePhotos;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The camera policy through a real broker, with the real detector and model and the operations
 * server: refused cameras (prohibited context, not opted in, not listed) yield no event and a
 * counted refusal, an exemption allows analysis, a changed camera file takes effect without a
 * restart, masked faces are never classified or counted, dead letters hold no pixels, and windows
 * of fewer people than {@code stats.min-people} leave suppressed.
 */
class PolicyIT {

  private final HttpClient http = HttpClient.newHttpClient();

  /** A photo, and where its faces are as the processor's own analyzer finds them. */
  private record Photo(EncodedImage image, List<double[]> centres) {}

  @Test
  void theCameraPolicyDecidesWhatIsAnalysedCountedAndKept(@TempDir Path tmp) throws Exception {
    int port;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      port = free.getLocalPort();
    }
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      Path cameraFile = tmp.resolve("cameras.yaml");
      Files.writeString(cameraFile, "cameras:\n");
      Map<String, String> values = new HashMap<>(Map.of("bootstrap.servers", kafka.bootstrapServers(),
          "application.id", "it-policy", "topics.partitions", "2", "commit.interval.ms", "200",
          "model.dir", "faceapi-expression", "stream.state-dir", ProcessorRun.freshStateDir(),
          "frame.max-age-ms", "0", "ops.port", Integer.toString(port), "cameras.file", cameraFile.toString(),
          "cameras.reload-ms", "200"));
      Settings base = Settings.defaults().with(values, "test");
      try (Operations ops = Operations.start(base, false); Pipeline pipeline = Pipeline.open(base, ops.registry())) {
        // the faces of each sample photo, as the processor's analyzer sees them
        List<Photo> photos = new ArrayList<>();
        List<EncodedImage> images = SamplePhotos.encoded(640, 1, 2, 3, 4, 5, 6);
        for (int i = 0; i < images.size(); i++) {
          photos.add(new Photo(images.get(i), centres(pipeline.analyzer(), images.get(i))));
        }
        Photo few = photos.stream().filter(p -> !p.centres().isEmpty())
            .min(Comparator.comparingInt(p -> p.centres().size())).orElseThrow();
        Photo many = photos.stream().max(Comparator.comparingInt(p -> p.centres().size())).orElseThrow();
        assertTrue(many.centres().size() >= 2 && many.centres().size() > few.centres().size(),
            "the sample photos need different face counts: " + few.centres().size() + ", " + many.centres().size());
        int minPeople = many.centres().size(); // "many" is published, "few" is suppressed

        // a mask over the left part of "many": between its faces, so that some are masked and some not
        List<Double> xs = many.centres().stream().map(c -> c[0]).sorted().toList();
        double cut = (xs.get(xs.size() / 2 - 1) + xs.get(xs.size() / 2)) / 2;
        long unmasked = xs.stream().filter(x -> x > cut).count();
        System.out.printf(Locale.ROOT, "PolicyIT: photos with %d and %d faces, stats.min-people %d, mask up to x=%.3f"
            + " leaves %d of %d faces%n", few.centres().size(), many.centres().size(), minPeople, cut, unmasked,
            many.centres().size());
        Files.writeString(cameraFile, String.format(Locale.ROOT, """
            cameras:
              - {id: shop, site: s1, emotion: true, context: customer-area, purpose: mood per hour}
              - {id: office, site: s1, emotion: true, context: workplace, purpose: staff mood}
              - {id: corridor, site: s1, context: customer-area}
              - {id: night-desk, emotion: true, context: workplace, purpose: distress at the night desk,
                 exemption: {reason: safety, justification: "lone night work, signed off by the DPO"}}
              - {id: counter, emotion: true, context: customer-area, purpose: queue mood,
                 masks: [[[0, 0], [%.6f, 0], [%.6f, 1], [0, 1]]]}
              - {id: few, emotion: true, context: customer-area, purpose: p}
              - {id: crowd, emotion: true, context: customer-area, purpose: p}
            """, cut, cut));
        // a short grace: the few and crowd cameras' last windows close only once each camera has been idle
        // for the rest of its 60 s window plus the grace; the test frames' capture times lie years back, so
        // the frames take their record's (wall-clock) time, and the rest of the window is 0-60 s by chance
        Settings settings = base.with(Map.of("stats.min-people", Integer.toString(minPeople),
            "stats.grace-seconds", "2"), "test");
        try (EmotionStreams processor = new EmotionStreams(settings, pipeline.analyzer(), ops.registry());
            FrameProducer producer = new FrameProducer(settings)) {
          ops.status().model(pipeline::modelInService);
          ops.status().processor(processor);
          processor.start();
          assertTrue(processor.awaitRunning(Duration.ofSeconds(60)));

          // refused: a workplace camera without exemption, a camera not opted in, one not listed
          long seq = 0;
          for (String camera : List.of("office", "office", "corridor", "corridor", "stranger")) {
            producer.send(TestFrames.frame(camera, seq++, many.image())).get();
          }
          // analysed: the exempted workplace camera and an opted-in one
          producer.send(TestFrames.frame("night-desk", 0, many.image())).get();
          producer.send(TestFrames.frame("shop", 0, many.image())).get();
          ProcessorRun.await("the exempted and opted-in cameras' frames", () -> processor.stats().framesProcessed() >= 2
              && processor.stats().framesRefused() >= 5, Duration.ofMinutes(2));
          List<FaceEmotion> events = ProcessorRun.readEvents(settings, 2L * many.centres().size(), Duration.ofSeconds(30));
          assertEquals(Map.of("night-desk", (long) many.centres().size(), "shop", (long) many.centres().size()),
              countBy(events), "events only from the exempted and the opted-in camera");
          String metrics = get(port, "/metrics");
          assertEquals(2.0, sample(metrics, "emotionstream_frames_refused_total", "office", "prohibited-context"));
          assertEquals(2.0, sample(metrics, "emotionstream_frames_refused_total", "corridor", "not-opted-in"));
          // a camera the file does not list gets no series of its own (its id is the producer's choice)
          assertEquals(1.0, sample(metrics, "emotionstream_frames_refused_total", "unlisted", "not-listed"));
          assertFalse(metrics.contains("camera=\"stranger\""), "no series for an unlisted camera's id");

          // the camera file changes: corridor is opted in, office loses its cameras entry; no restart
          Files.writeString(cameraFile, Files.readString(cameraFile)
              .replace("{id: corridor, site: s1, context: customer-area}",
                  "{id: corridor, site: s1, emotion: true, context: customer-area, purpose: queue length mood}"));
          ProcessorRun.await("the changed camera file in force",
              () -> processor.cameraPolicies().get().refusal("corridor") == null, Duration.ofSeconds(30));
          producer.send(TestFrames.frame("corridor", 10, many.image())).get();
          ProcessorRun.await("corridor analysed", () -> processor.stats().framesProcessed() >= 3, Duration.ofMinutes(2));

          // a privacy mask: its faces never reach the classifier and are never counted
          double batchedBefore = sample(get(port, "/metrics"), "emotionstream_inference_batched_faces_total", null, null);
          long facesBefore = processor.stats().faces();
          producer.send(TestFrames.frame("counter", 0, many.image())).get();
          ProcessorRun.await("the masked camera's frame", () -> processor.stats().framesProcessed() >= 4,
              Duration.ofMinutes(2));
          assertEquals(unmasked, processor.stats().faces() - facesBefore, "only the unmasked faces are counted");
          // each face goes through the network once per test-time augmentation view
          int passes = settings.enumValue("inference.tta", io.emotionstream.emotion.TestTimeAugmentation.class).passes();
          assertEquals((double) unmasked * passes,
              sample(get(port, "/metrics"), "emotionstream_inference_batched_faces_total", null, null) - batchedBefore,
              "only the unmasked faces reached the classifier");
          List<FaceEmotion> counter = ProcessorRun.readEvents(settings, 3L * many.centres().size() + unmasked,
              Duration.ofSeconds(30)).stream().filter(e -> e.getCameraId().equals("counter")).toList();
          assertEquals(unmasked, counter.size());
          for (FaceEmotion e : counter) {
            double cx = (e.getBox().getX() + e.getBox().getWidth() / 2.0) / many.image().width();
            assertTrue(cx > cut, "a masked face became an event: centre " + cx + ", mask up to " + cut);
            assertEquals((int) unmasked, e.getFaceCount());
          }

          // dead letters keep no pixels by default: headers, size and hash
          EncodedImage good = many.image();
          byte[] broken = good.bytes().clone();
          java.util.Arrays.fill(broken, 2, broken.length, (byte) 0);
          CameraFrame corrupt = TestFrames.frame("shop", 1,
              new EncodedImage(broken, ImageEncoding.JPEG, good.width(), good.height(), "corrupt"));
          byte[] corruptBytes = new SingleObjectAvroSerde<>(CameraFrame.class).serializer().serialize("f", corrupt);
          producer.send(corrupt).get();
          byte[] garbage = "not a frame".getBytes(StandardCharsets.UTF_8);
          ProcessorRun.sendRaw(settings, settings.string("topic.frames"), "shop", garbage);
          List<ConsumerRecord<String, byte[]>> dead = ProcessorRun.readRaw(settings, settings.string("topic.dead-letter"),
              2, Duration.ofMinutes(1));
          assertEquals(2, dead.size());
          Map<String, byte[]> originals = Map.of("undecodable-image", corruptBytes, "deserialization-failed", garbage);
          for (ConsumerRecord<String, byte[]> r : dead) {
            String reason = ProcessorRun.header(r, DeadLetterHandler.REASON);
            byte[] original = originals.get(reason);
            assertTrue(original != null, "reason " + reason);
            assertNull(r.value(), "no pixels in the dead letter of " + reason);
            assertEquals("true", ProcessorRun.header(r, DeadLetterHandler.VALUE_OMITTED));
            assertEquals(Integer.toString(original.length), ProcessorRun.header(r, DeadLetterHandler.VALUE_SIZE));
            assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(original)),
                ProcessorRun.header(r, DeadLetterHandler.VALUE_SHA256));
            assertEquals("shop", r.key());
          }

          // stats.min-people: the few faces' windows leave suppressed, the crowd's as counted
          for (int i = 0; i < 2; i++) {
            producer.send(TestFrames.frame("few", i, few.image())).get();
            producer.send(TestFrames.frame("crowd", i, many.image())).get();
          }
          ProcessorRun.await("few and crowd analysed", () -> processor.stats().framesProcessed() >= 8,
              Duration.ofMinutes(2));
          SingleObjectAvroSerde<EmotionStats> statsSerde = new SingleObjectAvroSerde<>(EmotionStats.class);
          Map<String, ConsumerRecord<String, byte[]>> latest = new HashMap<>();
          ProcessorRun.await("window counts of few and crowd", () -> {
            for (ConsumerRecord<String, byte[]> r : ProcessorRun.readRaw(settings, settings.string("topic.stats"), 1000,
                Duration.ofSeconds(2))) {
              latest.put(r.key(), r);
            }
            return latest.containsKey("few") && latest.containsKey("crowd")
                && statsSerde.deserializer().deserialize("s", latest.get("crowd").value()).getFramesAnalysed() >= 2;
          }, Duration.ofMinutes(2)); // up to 62 s after the last frame, plus what a busy machine adds
          EmotionStats fewWindow = statsSerde.deserializer().deserialize("s", latest.get("few").value());
          EmotionStats crowdWindow = statsSerde.deserializer().deserialize("s", latest.get("crowd").value());
          assertEquals(0, fewWindow.getFaces(), "suppressed: " + fewWindow);
          assertEquals(Map.of(), fewWindow.getCounts());
          assertEquals(0, fewWindow.getUniqueTracks());
          assertEquals("true", ProcessorRun.header(latest.get("few"), "emotionstream.stats.suppressed"));
          assertEquals(2L * many.centres().size(), crowdWindow.getFaces(), crowdWindow.toString());
          assertEquals(many.centres().size(), crowdWindow.getUniqueTracks());
          assertEquals(List.of(), crowdWindow.getTrackIds(), "track ids stay in by default");
          assertNull(ProcessorRun.header(latest.get("crowd"), "emotionstream.stats.suppressed"));
          String api = get(port, "/api/stats?camera=few");
          assertTrue(api.contains("\"suppressed\":true") && api.contains("\"faces\":0"), api);
          assertTrue(get(port, "/api/stats?camera=crowd").contains("\"suppressed\":false"));
        }
      }
    }
  }

  /** Box centres of the faces the analyzer finds, as fractions of the frame. */
  private static List<double[]> centres(FrameAnalyzer analyzer, EncodedImage image) {
    List<double[]> out = new ArrayList<>();
    for (FaceEmotion e : analyzer.analyze(TestFrames.frame("probe", 0, image)).events()) {
      out.add(new double[] {(e.getBox().getX() + e.getBox().getWidth() / 2.0) / image.width(),
          (e.getBox().getY() + e.getBox().getHeight() / 2.0) / image.height()});
    }
    return out;
  }

  private static Map<String, Long> countBy(List<FaceEmotion> events) {
    Map<String, Long> out = new HashMap<>();
    events.forEach(e -> out.merge(e.getCameraId(), 1L, Long::sum));
    return out;
  }

  private String get(int port, String path) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), path + ": " + r.body());
    return r.body();
  }

  /** A series' value; with {@code camera} and {@code reason}, the one with those labels. */
  private static double sample(String metrics, String series, String camera, String reason) {
    return PrometheusText.parse(metrics).value(series,
        s -> (camera == null || s.has("camera", camera)) && (reason == null || s.has("reason", reason)));
  }
}
