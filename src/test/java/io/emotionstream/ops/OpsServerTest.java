package io.emotionstream.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.config.Settings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpsServerTest {

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private PrometheusMeterRegistry registry;
  private InstanceStatus status;
  private EventFeed feed;
  private OpsServer server;

  @BeforeEach
  void start() throws Exception {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    status = new InstanceStatus();
    feed = new EventFeed(Settings.defaults()); // not started: the test publishes into it
    server = OpsServer.start(0, registry, status, feed);
  }

  @AfterEach
  void stop() {
    server.close();
    registry.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void readinessWaitsForTheModelAndTheStreams() throws Exception {
    HttpResponse<String> ready = get("/health/ready");
    assertEquals(503, ready.statusCode());
    assertTrue(ready.body().contains("model not loaded"), ready.body());
    status.model(() -> "faceapi-expression 1.7.15");
    ready = get("/health/ready");
    assertEquals(503, ready.statusCode());
    assertTrue(ready.body().contains("streams not started"), ready.body());
    assertEquals(200, get("/health/live").statusCode());
  }

  @Test
  void metricsAreInPrometheusFormat() throws Exception {
    Counter.builder("emotionstream.frames.processed").register(registry).increment(3);
    HttpResponse<String> metrics = get("/metrics");
    assertEquals(200, metrics.statusCode());
    assertTrue(metrics.body().contains("emotionstream_frames_processed_total 3.0"), metrics.body());
  }

  @Test
  void recentEventsAndTheLiveStream() throws Exception {
    feed.publish(TestEvents.json("cam-1", 1, "happy", Instant.now()));
    HttpResponse<String> recent = get("/api/events/recent");
    assertEquals(200, recent.statusCode());
    assertTrue(recent.body().startsWith("[{\"cameraId\":\"cam-1\""), recent.body());

    HttpResponse<java.io.InputStream> stream = http.send(HttpRequest.newBuilder(
        URI.create("http://localhost:" + server.port() + "/api/events/stream")).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertEquals("text/event-stream; charset=utf-8", stream.headers().firstValue("Content-Type").orElse(""));
    BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
    assertEquals(": connected", lines.readLine());
    CompletableFuture<String> data = CompletableFuture.supplyAsync(() -> {
      try {
        String line;
        while ((line = lines.readLine()) != null) {
          if (line.startsWith("data: ")) {
            return line.substring(6);
          }
        }
        return null;
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    String live = TestEvents.json("cam-2", 9, "sad", Instant.now());
    feed.publish(live);
    assertEquals(live, data.get(10, TimeUnit.SECONDS));
    stream.body().close();
  }

  @Test
  void servesTheDashboardWithItsOwnChartLibrary() throws Exception {
    HttpResponse<String> page = get("/");
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("/dashboard/vendor/chart.umd.min.js"));
    HttpResponse<String> chart = get("/dashboard/vendor/chart.umd.min.js");
    assertEquals(200, chart.statusCode());
    assertTrue(chart.body().length() > 100_000, "Chart.js is bundled");
    assertEquals(404, get("/dashboard/../config/emotion-stream.properties").statusCode());
    assertEquals(503, get("/api/stats").statusCode());
  }
}
