package io.emotionstream.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.config.Settings;
import io.emotionstream.kafka.EmbeddedKafka;
import io.emotionstream.processor.ProcessorInstance;
import io.emotionstream.stream.EmotionStreams;
import io.emotionstream.stream.FrameProducer;
import io.emotionstream.stream.TestFrames;
import io.emotionstream.testing.ProcessorRun;
import io.emotionstream.testing.PrometheusText;
import io.emotionstream.testing.SamplePhotos;
import io.emotionstream.testing.TestCameras;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A processor instance started the way {@code process} starts it, on a real broker: readiness is
 * false while the model loads and true once it serves; the metrics show frames, faces, latency and
 * the model version; the stats endpoint answers from the window store.
 */
class OperationsIT {

  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static double sample(String metrics, String series) {
    return PrometheusText.parse(metrics).value(series);
  }

  @Test
  void readinessFollowsTheModelAndMetricsFollowTheFrames() throws Exception {
    int port;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      port = free.getLocalPort();
    }
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      Settings settings = Settings.defaults().with(Map.of("bootstrap.servers", kafka.bootstrapServers(),
          "application.id", "it-ops", "ops.port", Integer.toString(port), "topics.partitions", "2", "commit.interval.ms", "200",
          "model.dir", "faceapi-expression", "stream.state-dir", ProcessorRun.freshStateDir(),
          "frame.max-age-ms", "0", // counts every frame: no shedding
          "cameras.file", TestCameras.optedIn("cam-ops")), "test");
      try (ProcessorInstance instance = ProcessorInstance.create(settings, false)) {
        Operations ops = instance.operations();
        assertEquals(port, ops.port());
        HttpResponse<String> before = get(ops.port(), "/health/ready");
        assertEquals(503, before.statusCode());
        assertTrue(before.body().contains("model not loaded"), before.body());
        assertEquals(200, get(ops.port(), "/health/live").statusCode());

        instance.load();
        try (FrameProducer producer = new FrameProducer(settings)) {
          EmotionStreams processor = instance.processor();
          assertEquals(503, get(ops.port(), "/health/ready").statusCode(), "model loaded, streams not running yet");
          instance.start();
          assertTrue(processor.awaitRunning(Duration.ofSeconds(60)));
          HttpResponse<String> after = get(ops.port(), "/health/ready");
          assertEquals(200, after.statusCode(), after.body());

          for (int i = 0; i < 3; i++) {
            producer.send(TestFrames.frame("cam-ops", i, SamplePhotos.encoded(640, i + 1).get(0))).get();
          }
          ProcessorRun.await("frames processed", () -> processor.stats().framesProcessed() >= 3, Duration.ofMinutes(2));
          String metrics = get(ops.port(), "/metrics").body();
          assertEquals(3.0, sample(metrics, "emotionstream_frames_processed_total"));
          assertTrue(sample(metrics, "emotionstream_faces_total") >= 3);
          assertTrue(sample(metrics, "emotionstream_frame_latency_seconds_count") >= 3);
          assertTrue(sample(metrics, "emotionstream_frame_latency_seconds_sum") > 0);
          assertTrue(sample(metrics, "emotionstream_stage_duration_seconds_sum") > 0);
          // the configured model (model.dir), no release applied yet, following channel stable
          List<PrometheusText.Series> info = PrometheusText.parse(metrics).series("emotionstream_model_info", s -> true);
          assertEquals(1, info.size(), "one model version series: " + info);
          assertEquals(Map.of("application", "it-ops", "channel", "stable", "name", "faceapi-expression",
              "precision", "float32", "role", "configured", "version", "1.7.15"), info.get(0).labels(),
              "model version series (face-api's network computes in float32 on every CPU)");
          assertEquals(1.0, info.get(0).value());
          assertTrue(metrics.contains("kafka_stream_"), "Kafka Streams client metrics are exported");
          // the tracker store's RocksDB meters (Kafka registers them a while after the store opens)
          ProcessorRun.await("the tracker store's RocksDB meters on /metrics", () -> {
            try {
              return PrometheusText.parse(get(ops.port(), "/metrics").body()).series().stream()
                  .anyMatch(series -> series.name().startsWith("kafka_stream_state_")
                      && series.has("state_id", "face-tracker-store"));
            } catch (Exception e) {
              return false;
            }
          }, Duration.ofSeconds(90));

          ProcessorRun.await("window counts", () -> {
            try {
              return get(ops.port(), "/api/stats?camera=cam-ops").body().contains("\"faces\"");
            } catch (Exception e) {
              return false;
            }
          }, Duration.ofSeconds(30));
        }
      }
    }
  }
}
