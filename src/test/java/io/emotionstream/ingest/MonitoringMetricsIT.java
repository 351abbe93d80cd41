package io.emotionstream.ingest;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.emotionstream.config.Settings;
import io.emotionstream.emotion.EmotionClassifiers;
import io.emotionstream.ingest.testcamera.MjpegTestCamera;
import io.emotionstream.kafka.EmbeddedKafka;
import io.emotionstream.model.ModelArtifact;
import io.emotionstream.model.ModelReleases;
import io.emotionstream.processor.ProcessorInstance;
import io.emotionstream.testing.ProcessorRun;
import io.emotionstream.testing.PrometheusText;
import io.emotionstream.testing.TestCameras;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every metric that the alert rules ({@code k8s/monitoring/alerts.yaml}) and the Grafana dashboard
 * ({@code k8s/monitoring/emotion-stream-dashboard.json}) use exists in real {@code /metrics}
 * scrapes: an ingest process reading a test camera and a processor (free ports) that sheds its
 * frames ({@code frame.max-age-ms=1}) and refuses a release from outside its store, so that the
 * meters registered on first use are there too. A metric renamed in the code fails this test, and
 * so does a label that a dashboard legend names but no series of its expression carries.
 */
class MonitoringMetricsIT {

  private static final Set<String> PROMQL_WORDS = Set.of("by", "on", "without", "ignoring", "group_left",
      "group_right", "or", "and", "unless", "bool", "offset", "le", "inf", "nan");

  @Test
  void everyMetricOfTheAlertsAndTheDashboardIsScraped(@TempDir Path tmp) throws Exception {
    List<String> expressions = new ArrayList<>();
    JsonNode rules = new YAMLMapper().readTree(Path.of("k8s", "monitoring", "alerts.yaml").toFile());
    rules.path("spec").path("groups").forEach(g -> g.path("rules").forEach(r -> expressions.add(r.path("expr").asText())));
    JsonNode dashboard = new ObjectMapper().readTree(Path.of("k8s", "monitoring", "emotion-stream-dashboard.json").toFile());
    List<Map.Entry<String, String>> legends = new ArrayList<>(); // each panel target's expression and legend format
    dashboard.path("panels").forEach(p -> p.path("targets").forEach(t -> {
      expressions.add(t.path("expr").asText());
      legends.add(Map.entry(t.path("expr").asText(), t.path("legendFormat").asText("")));
    }));
    dashboard.path("templating").path("list").forEach(v -> {
      if (v.path("type").asText().equals("query")) {
        expressions.add(v.path("query").asText().replaceAll("label_values\\((\\w+),.*\\)", "$1"));
      }
    });
    Set<String> used = new TreeSet<>();
    expressions.forEach(e -> used.addAll(metricNames(e)));
    assertTrue(used.size() >= 10, "metrics found in the expressions: " + used);

    try (EmbeddedKafka kafka = EmbeddedKafka.start();
        MjpegTestCamera camera = MjpegTestCamera.start(MjpegTestCamera.Options.of(320, 240, 5))) {
      Path cameras = tmp.resolve("cameras.yaml");
      Files.writeString(cameras, "cameras:\n  - {id: door, url: \"" + camera.mjpegUrl() + "\"}\n");
      int port;
      try (ServerSocket free = new ServerSocket(0)) {
        port = free.getLocalPort();
      }
      Settings settings = Settings.defaults().with(Map.of("bootstrap.servers", kafka.bootstrapServers(),
          "application.id", "emotion-stream", "ops.port", Integer.toString(port), "topics.partitions", "1",
          "stream.state-dir", ProcessorRun.freshStateDir(), "frame.max-age-ms", "1",
          "cameras.file", TestCameras.optedIn("door"), "model.store", tmp.resolve("store").toUri().toString()), "test");
      try (ProcessorInstance processor = ProcessorInstance.open(settings, false);
          IngestProcess ingest = IngestProcess.launch(kafka.bootstrapServers(), cameras, Map.of(), List.of(),
              tmp.resolve("ingest.log"))) {
        processor.start();
        assertTrue(processor.processor().awaitRunning(Duration.ofMinutes(2)));
        // a release from outside the store: refused, counted by reason
        ModelArtifact outside = EmotionClassifiers.faceApiArtifact();
        ModelReleases.publish(settings, ModelReleases.release(outside.metadata(), outside.directory().toUri()));
        ProcessorRun.await("the release refused", () -> processor.reloader().lastFailure() != null, Duration.ofMinutes(1));
        HttpClient http = HttpClient.newHttpClient();
        Set<String> scraped = new TreeSet<>();
        Map<String, Set<String>> labelsOf = new java.util.TreeMap<>();
        long deadline = System.currentTimeMillis() + Duration.ofMinutes(2).toMillis();
        Set<String> missing = new TreeSet<>(used);
        while (!missing.isEmpty() && System.currentTimeMillis() < deadline) {
          for (String body : List.of(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
              .build(), HttpResponse.BodyHandlers.ofString()).body(), ingest.body("/metrics"))) {
            PrometheusText text = PrometheusText.parse(body);
            scraped.addAll(text.names());
            text.series().forEach(series ->
                labelsOf.computeIfAbsent(series.name(), k -> new TreeSet<>()).addAll(series.labels().keySet()));
          }
          missing.removeAll(scraped);
          Thread.sleep(1000);
        }
        System.out.println("[monitoring] " + used.size() + " metrics used by the alerts and the dashboard: " + used);
        assertTrue(missing.isEmpty(), "used by k8s/monitoring but not scraped from processor or ingest: " + missing
            + "\nscraped: " + scraped);
        assertFalse(used.contains("emotionstream_frames_shed_total") && !scraped.contains("emotionstream_frames_shed_total"));
        // every label a legend names is on a series of its expression (pod and namespace come from the scrape)
        legends.forEach(target -> {
          String expr = target.getKey();
          String legend = target.getValue();
          Matcher named = Pattern.compile("\\{\\{\\s*(\\w+)\\s*}}").matcher(legend);
          Set<String> offered = new TreeSet<>(Set.of("pod", "namespace", "instance", "job"));
          metricNames(expr).forEach(m -> offered.addAll(labelsOf.getOrDefault(m, Set.of())));
          while (named.find()) {
            assertTrue(offered.contains(named.group(1)), "the dashboard's legend '" + legend + "' names label '"
                + named.group(1) + "', which no series of " + metricNames(expr) + " carries: " + offered);
          }
        });
      }
    }
  }

  /** The metric names of a PromQL expression: identifiers outside label matchers, ranges and strings. */
  static Set<String> metricNames(String promql) {
    String s = promql.replaceAll("\"[^\"]*\"", "\"\"")
        .replaceAll("\\{[^}]*}", " ")
        .replaceAll("\\[[^]]*]", " ")
        .replaceAll("\\b(by|on|without|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
    Set<String> out = new TreeSet<>();
    Matcher m = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?").matcher(s);
    while (m.find()) {
      String word = m.group(1);
      if (m.group(2) == null && !PROMQL_WORDS.contains(word.toLowerCase(java.util.Locale.ROOT))) {
        out.add(word);
      }
    }
    return out;
  }
}
