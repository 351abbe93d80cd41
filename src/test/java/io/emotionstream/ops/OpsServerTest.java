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

  @Test
  void badQueryParametersAreAnswered400() throws Exception {
    for (String query : new String[] {"minutes=abc", "minutes=0", "minutes=-5", "minutes=99999999999"}) {
      HttpResponse<String> answer = get("/api/stats?" + query);
      assertEquals(400, answer.statusCode(), query + ": " + answer.body());
    }
    assertTrue(get("/api/stats?camera=x&minutes=abc").body().contains("minutes=abc"));
  }

  @Test
  void theTokenGuardsTheApiAndTheDashboardButNotProbes() throws Exception {
    try (OpsServer secured = OpsServer.start(OpsOptions.local(0).withToken("s3cret"), registry, status, feed)) {
      String base = "http://localhost:" + secured.port();
      for (String path : new String[] {"/api/status", "/api/events/recent", "/", "/dashboard/app.js"}) {
        HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(401, refused.statusCode(), path);
        assertTrue(refused.headers().allValues("WWW-Authenticate").stream().anyMatch(h -> h.startsWith("Basic")));
        HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(URI.create(base + path))
            .header("Authorization", "Bearer s3cre").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, wrong.statusCode(), path);
        HttpResponse<String> bearer = http.send(HttpRequest.newBuilder(URI.create(base + path))
            .header("Authorization", "Bearer s3cret").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, bearer.statusCode(), path);
        String basic = java.util.Base64.getEncoder().encodeToString("anyone:s3cret".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> browser = http.send(HttpRequest.newBuilder(URI.create(base + path))
            .header("Authorization", "Basic " + basic).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, browser.statusCode(), path);
      }
      for (String path : new String[] {"/health/live", "/health/ready"}) {
        int code = http.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
            HttpResponse.BodyHandlers.ofString()).statusCode();
        assertTrue(code == 200 || code == 503, path + " answers probes without a token: " + code);
      }
      assertEquals(401, http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode(), "/metrics needs the token once one is set");
      assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
          .header("Authorization", "Bearer s3cret").build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    }
  }

  @Test
  void theScrapeTokenOpensMetricsAndNothingElse() throws Exception {
    try (OpsServer secured = OpsServer.start(OpsOptions.local(0).withToken("s3cret").withScrapeToken("scrape-only"),
        registry, status, feed)) {
      String base = "http://localhost:" + secured.port();
      HttpRequest.Builder scrape = HttpRequest.newBuilder(URI.create(base + "/metrics"));
      assertEquals(401, http.send(scrape.build(), HttpResponse.BodyHandlers.ofString()).statusCode());
      assertEquals(200, http.send(scrape.header("Authorization", "Bearer scrape-only").build(),
          HttpResponse.BodyHandlers.ofString()).statusCode());
      for (String path : new String[] {"/api/status", "/"}) {
        assertEquals(401, http.send(HttpRequest.newBuilder(URI.create(base + path))
            .header("Authorization", "Bearer scrape-only").build(), HttpResponse.BodyHandlers.ofString()).statusCode(),
            path + " stays closed to the scrape token");
      }
    }
    try (OpsServer scrapeOnly = OpsServer.start(OpsOptions.local(0).withScrapeToken("scrape-only"), registry, status,
        feed)) {
      HttpRequest metrics = HttpRequest.newBuilder(URI.create("http://localhost:" + scrapeOnly.port() + "/metrics"))
          .build();
      assertEquals(401, http.send(metrics, HttpResponse.BodyHandlers.ofString()).statusCode(),
          "a scrape token alone still guards /metrics");
    }
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> OpsOptions.local(0).withToken("same").withScrapeToken("same"));
  }

  @Test
  void tokenComesFromAFileAndNeverFromBothPlaces(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
      throws Exception {
    java.nio.file.Path file = java.nio.file.Files.writeString(tmp.resolve("token"), "from-file\n");
    Settings settings = Settings.defaults().with(java.util.Map.of("ops.auth.token-file", file.toString()), "test");
    assertEquals("from-file", OpsOptions.from(settings).token());
    assertTrue(!OpsOptions.from(settings).toString().contains("from-file"), "never printed");
    Settings both = settings.with(java.util.Map.of("ops.auth.token", "x"), "test");
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> OpsOptions.from(both));
    Settings env = Settings.load(null, java.util.Map.of("EMOTION_STREAM_OPS_AUTH_TOKEN", "from-env"), java.util.List.of());
    assertEquals("from-env", OpsOptions.from(env).token());
  }

  /**
   * Clients of the live stream that leave free their slot within a few heartbeats, and while every
   * slot is taken the page, the API and the metrics still answer.
   */
  @Test
  void streamSlotsOfClientsThatLeftAreFreedAndNothingElseLocksOut() throws Exception {
    try (OpsServer small = OpsServer.start(OpsOptions.local(0).withStreams(3, Duration.ofMillis(200)), registry,
        status, feed)) {
      java.util.List<java.net.Socket> clients = new java.util.ArrayList<>();
      for (int i = 0; i < 3; i++) {
        java.net.Socket socket = new java.net.Socket("localhost", small.port());
        socket.getOutputStream().write(("GET /api/events/stream HTTP/1.1\r\nHost: localhost\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
        String line;
        while ((line = in.readLine()) != null && !line.contains(": connected")) {
          // headers and the chunk size
        }
        clients.add(socket);
      }
      String base = "http://localhost:" + small.port();
      HttpRequest stream = HttpRequest.newBuilder(URI.create(base + "/api/events/stream")).build();
      assertEquals(503, http.send(stream, HttpResponse.BodyHandlers.discarding()).statusCode(), "all slots taken");
      for (String path : new String[] {"/", "/api/status", "/metrics", "/health/live"}) {
        assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode(), path + " while every stream slot is taken");
      }
      for (java.net.Socket socket : clients) {
        socket.close();
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      int code = 503;
      while (code == 503 && System.nanoTime() < deadline) {
        Thread.sleep(100);
        HttpResponse<java.io.InputStream> again = http.send(stream, HttpResponse.BodyHandlers.ofInputStream());
        code = again.statusCode();
        again.body().close();
      }
      assertEquals(200, code, "a new dashboard gets a stream once the clients that left are noticed");
    }
  }
}
