package io.emotionstream.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.emotionstream.config.Settings;
import io.emotionstream.frame.EncodedImage;
import io.emotionstream.kafka.TopicReader;
import io.emotionstream.kafka.serde.AvroSerdes;
import io.emotionstream.processor.Pipeline;
import io.emotionstream.schema.CameraFrame;
import io.emotionstream.schema.EmotionStats;
import io.emotionstream.schema.FaceEmotion;
import io.emotionstream.schema.FaceTrack;
import io.emotionstream.stream.EmotionStreams;
import io.emotionstream.stream.FrameProducer;
import io.emotionstream.testing.PostgresServer;
import io.emotionstream.testing.ProcessorRun;
import io.emotionstream.testing.TestCameras;
import io.emotionstream.testing.PythonScript;
import io.emotionstream.testing.SamplePhotos;
import io.emotionstream.testing.KafkaPipelineExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Python examples against the processor's own events: a real broker and registry, the real
 * detector and model, two cameras of one site in two zones; the processor runs once in each wire
 * format. {@code summary.py} must print what the Java readers see; {@code pg_sink.py} must land
 * the events in a real PostgreSQL server where the sample query gives the emotion mix per zone per
 * hour. Skipped, with the reason, where Debian's Python packages or PostgreSQL are absent
 * ({@code .ci/run} installs them).
 */
class PythonConsumersIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, String> ZONES = Map.of("entrance", "door", "aisle", "shelves");
  private static final int FRAMES_PER_CAMERA = 4;

  @RegisterExtension
  static final KafkaPipelineExtension KAFKA = KafkaPipelineExtension.broker().withRegistry();

  /** Per wire format: what the processor wrote, read back by the Java readers. */
  private static final Map<String, Run> runs = new HashMap<>();

  private record Run(Settings settings, List<FaceEmotion> events, List<EmotionStats> windows, List<FaceTrack> tracks) {}

  @BeforeAll
  static void processCameras() throws Exception {
    String missing = PythonScript.missing("confluent_kafka", "avro");
    Assumptions.assumeTrue(missing == null, "skipped: " + missing
        + " (apt-get install python3-confluent-kafka python3-avro; .ci/run installs them)");
    List<EncodedImage> photos = SamplePhotos.encoded(640, 1, 3, 5, 6);
    try (Pipeline pipeline = Pipeline.open(settings("pipeline", "embedded"))) {
      for (String format : List.of("registry", "embedded")) {
        Settings settings = settings("py-" + format, format);
        long t0 = Instant.now().minusSeconds(50).toEpochMilli();
        int frames = 0;
        try (EmotionStreams processor = new EmotionStreams(settings, pipeline.analyzer());
            FrameProducer producer = new FrameProducer(settings)) {
          processor.start();
          assertTrue(processor.awaitRunning(Duration.ofSeconds(60)));
          for (int i = 0; i < FRAMES_PER_CAMERA; i++) {
            for (String camera : ZONES.keySet()) {
              producer.send(FrameProducer.frame(camera, i, photos.get((i + (camera.equals("entrance") ? 0 : 1)) % photos.size()),
                  Instant.ofEpochMilli(t0 + i * 10_000L), "store-1", Map.of("zone", ZONES.get(camera), "floor", "0"))).get();
              frames++;
            }
          }
          int sent = frames;
          ProcessorRun.await("frames processed", () -> processor.stats().framesProcessed() >= sent, Duration.ofMinutes(3));
          List<FaceEmotion> events = ProcessorRun.readEvents(settings, processor.stats().faces(), Duration.ofSeconds(30));
          // every window closes once its camera has been silent for the grace period
          List<EmotionStats> windows = new ArrayList<>();
          long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
          while (windows.stream().mapToLong(EmotionStats::getFramesAnalysed).sum() < sent && System.nanoTime() < deadline) {
            windows = read(settings, settings.string("topic.stats"), EmotionStats.class);
            Thread.sleep(500);
          }
          assertEquals(sent, windows.stream().mapToLong(EmotionStats::getFramesAnalysed).sum(), "frames in the windows");
          List<FaceTrack> tracks = read(settings, settings.string("topic.tracks"), FaceTrack.class);
          runs.put(format, new Run(settings, events, windows, tracks));
        }
      }
    }
  }

  private static Settings settings(String name, String format) {
    return KAFKA.settings(name, Map.of("topics.partitions", "2", "wire.format", format,
        "cameras.file", TestCameras.optedIn("entrance", "aisle"),
        "stats.min-people", "1", // every window's counts as counted (disclosure is PolicyIT's)
        "stats.window-seconds", "10", "stats.grace-seconds", "1"));
  }

  private static <T extends org.apache.avro.specific.SpecificRecord> List<T> read(Settings settings, String topic,
      Class<T> type) {
    try (TopicReader<T> reader = new TopicReader<>(settings, topic, AvroSerdes.from(settings).serde(type).deserializer(),
        TopicReader.Start.BEGINNING)) {
      return reader.readToEnd().stream().map(ConsumerRecord::value).toList();
    }
  }

  private static List<String> topicArgs(Run run) {
    Settings s = run.settings();
    return List.of("--bootstrap-servers", KAFKA.bootstrapServers(), "--format", s.string("wire.format"),
        "--registry-url", KAFKA.registry().ccompatUrl(), "--schemas-topic", s.string("topic.schemas"),
        "--events-topic", s.string("topic.events"), "--stats-topic", s.string("topic.stats"));
  }

  @Test
  void pythonSummaryOfTheProcessorsEventsInTheRegistryFormat() throws Exception {
    summaryMatchesWhatJavaReads("registry");
  }

  @Test
  void pythonSummaryOfTheProcessorsEventsInTheEmbeddedFormat() throws Exception {
    summaryMatchesWhatJavaReads("embedded");
  }

  private void summaryMatchesWhatJavaReads(String format) throws Exception {
    Run run = runs.get(format);
    List<String> args = new ArrayList<>(List.of("examples/python/summary.py"));
    args.addAll(topicArgs(run));
    PythonScript.Result text = PythonScript.run(Duration.ofMinutes(2), args);
    System.out.println("summary.py --format " + format + " (exit " + text.exitCode() + "):\n" + text.stdout() + text.stderr());
    assertEquals(0, text.exitCode(), text.stderr());
    args.add("--json");
    PythonScript.Result json = PythonScript.run(Duration.ofMinutes(2), args);
    assertEquals(0, json.exitCode(), json.stderr());
    JsonNode summary = JSON.readTree(json.stdout());

    assertEquals(run.events().size(), summary.get("events").asInt());
    assertEquals(run.windows().size(), summary.get("windowRecords").asInt());
    assertEquals(0, summary.get("skipped").asInt());
    JsonNode cameras = summary.get("cameras");
    assertEquals(ZONES.keySet(), fieldNames(cameras));
    for (String camera : ZONES.keySet()) {
      List<FaceEmotion> mine = run.events().stream().filter(e -> e.getCameraId().equals(camera)).toList();
      List<EmotionStats> windows = run.windows().stream().filter(w -> w.getCameraId().equals(camera)).toList();
      JsonNode c = cameras.get(camera);
      assertEquals("store-1", c.get("site").asText());
      assertEquals(ZONES.get(camera), c.get("zone").asText());
      assertEquals(mine.size(), c.get("faces").asInt(), camera);
      Map<String, Long> labels = mine.stream().collect(Collectors.groupingBy(FaceEmotion::getLabel, TreeMap::new,
          Collectors.counting()));
      Map<String, Long> printed = new TreeMap<>();
      c.get("labels").fields().forEachRemaining(e -> printed.put(e.getKey(), e.getValue().asLong()));
      assertEquals(labels, printed, camera);
      assertEquals(mine.stream().map(FaceEmotion::getTrackId).filter(t -> t != null).distinct().count(),
          c.get("people").asLong(), camera);
      assertEquals(windows.size(), c.get("windows").asInt(), camera);
      assertEquals(windows.stream().mapToLong(EmotionStats::getFaces).sum(), c.get("windowFaces").asLong(), camera);
      assertEquals(mine.size(), c.get("windowFaces").asLong(), camera + ": every face is in one window");
      assertEquals(FRAMES_PER_CAMERA, c.get("framesAnalysed").asInt(), camera);
    }
    assertTrue(text.stdout().contains("entrance") && text.stdout().contains("shelves"), text.stdout());
  }

  @Test
  void theSinkLandsTheEventsInPostgresAndTheSampleQueryGivesTheEmotionMixPerZonePerHour() throws Exception {
    String missing = PythonScript.missing("psycopg2");
    Assumptions.assumeTrue(missing == null, "skipped: " + missing + " (apt-get install python3-psycopg2; .ci/run does)");
    Assumptions.assumeTrue(PostgresServer.binaries() != null,
        "skipped: PostgreSQL is not installed (apt-get install postgresql; .ci/run does)");
    Run run = runs.get("registry");
    // a record no reader can decode, on a topic the sink reads: it must be kept, with its reason
    byte[] garbage = "not an avro record".getBytes(StandardCharsets.UTF_8);
    ProcessorRun.sendRaw(run.settings(), run.settings().string("topic.tracks"), "entrance", garbage);
    try (PostgresServer db = PostgresServer.start()) {
      List<String> args = new ArrayList<>(List.of("examples/python/pg_sink.py"));
      args.addAll(topicArgs(run));
      args.addAll(List.of("--tracks-topic", run.settings().string("topic.tracks"), "--dsn", db.dsn(),
          "--until-idle", "5", "--group", "it-sink"));
      PythonScript.Result sink = PythonScript.run(Duration.ofMinutes(3), args);
      System.out.println("pg_sink.py (exit " + sink.exitCode() + "):\n" + sink.stdout() + sink.stderr());
      assertEquals(0, sink.exitCode(), sink.stderr());

      assertEquals(Integer.toString(run.events().size()), db.psql(PostgresServer.DATABASE, "SELECT count(*) FROM face_emotions").strip());
      assertEquals(Integer.toString(run.windows().size()), db.psql(PostgresServer.DATABASE, "SELECT count(*) FROM emotion_stats").strip());
      assertEquals(Integer.toString(run.tracks().size()), db.psql(PostgresServer.DATABASE, "SELECT count(*) FROM face_tracks").strip());
      String rejected = db.psql(PostgresServer.DATABASE, "SELECT topic, reason, encode(record_value, 'escape') FROM sink_rejects");
      assertTrue(rejected.contains(run.settings().string("topic.tracks")) && rejected.contains("not in the Confluent wire format")
          && rejected.contains("not an avro record"), rejected);

      // the sample query against what the Java reader saw: faces per zone, UTC hour and label
      Map<String, Long> expected = new TreeMap<>();
      for (FaceEmotion e : run.events()) {
        expected.merge(e.getZone() + "|" + e.getCaptureTime().truncatedTo(ChronoUnit.HOURS) + "|" + e.getLabel(), 1L, Long::sum);
      }
      for (String query : List.of("emotion_mix_per_zone_per_hour.sql", "emotion_mix_per_zone_per_hour_from_events.sql")) {
        String out = db.psqlFile(Path.of("examples/python/postgres", query));
        System.out.println(query + ":\n" + out);
        Map<String, Long> got = new TreeMap<>();
        Map<String, Double> percentSums = new TreeMap<>();
        for (String line : out.strip().split("\n")) {
          String[] f = line.split("\\|");
          Instant hour = java.time.OffsetDateTime.parse(f[1].replace(' ', 'T') + ":00").toInstant();
          got.put(f[0] + "|" + hour + "|" + f[2], Long.parseLong(f[3]));
          percentSums.merge(f[0] + "|" + hour, Double.parseDouble(f[4]), Double::sum);
        }
        assertEquals(expected, got, query);
        percentSums.forEach((zoneHour, sum) -> assertEquals(100.0, sum, 0.5, query + " " + zoneHour));
      }

      // read everything again under another group: upserts leave the same rows
      args.set(args.indexOf("it-sink"), "it-sink-again");
      PythonScript.Result again = PythonScript.run(Duration.ofMinutes(3), args);
      assertEquals(0, again.exitCode(), again.stderr());
      assertEquals(Integer.toString(run.events().size()), db.psql(PostgresServer.DATABASE, "SELECT count(*) FROM face_emotions").strip());
      assertEquals(Integer.toString(run.windows().size()), db.psql(PostgresServer.DATABASE, "SELECT count(*) FROM emotion_stats").strip());
      assertEquals("1", db.psql(PostgresServer.DATABASE, "SELECT count(*) FROM sink_rejects").strip());
    }
  }

  private static Set<String> fieldNames(JsonNode node) {
    Set<String> out = new TreeSet<>();
    node.fieldNames().forEachRemaining(out::add);
    return out;
  }
}
