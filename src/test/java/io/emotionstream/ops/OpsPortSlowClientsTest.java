package io.emotionstream.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.config.Settings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operations port under clients that connect and never finish their request: probes and
 * scrapes keep answering within a second, slow heads are cut at their deadline, and the
 * connection limit makes room by closing the oldest unfinished head.
 */
class OpsPortSlowClientsTest {

  private static final Duration PROBE_BUDGET = Duration.ofSeconds(1);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(PROBE_BUDGET).build();
  private final List<Socket> slow = new ArrayList<>();
  private long slowest;
  private PrometheusMeterRegistry registry;
  private InstanceStatus status;
  private EventFeed feed;

  @BeforeEach
  void start() {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    for (int i = 0; i < 200; i++) { // a scrape of some size
      Counter.builder("emotionstream.test.series").tag("n", Integer.toString(i)).register(registry).increment(i);
    }
    status = new InstanceStatus();
    feed = new EventFeed(Settings.defaults());
  }

  @AfterEach
  void stop() throws IOException {
    for (Socket s : slow) {
      s.close();
    }
    registry.close();
  }

  /** Opens {@code count} connections that send part of a request head and then nothing. */
  private void openSlowClients(int port, int count) throws IOException {
    for (int i = 0; i < count; i++) {
      Socket s = new Socket("127.0.0.1", port);
      String part = i % 2 == 0 ? "GET /health/live HTTP/1.1\r\nHost: localhost\r\nX-Slow: " : "";
      s.getOutputStream().write(part.getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      slow.add(s);
    }
  }

  /** Asks {@code path} and returns its status, failing when the answer takes over a second. */
  private int timed(int port, String path, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(PROBE_BUDGET);
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    long start = System.nanoTime();
    HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertTrue(ms < PROBE_BUDGET.toMillis(), path + " took " + ms + " ms");
    slowest = Math.max(slowest, ms);
    if (path.equals("/metrics") && answer.statusCode() == 200) {
      assertTrue(answer.body().contains("emotionstream_test_series_total{n=\"199\"} 199.0"), "a whole scrape");
    }
    return answer.statusCode();
  }

  @Test
  void probesAndScrapesAnswerWithinASecondWhileHundredsOfRequestsHang() throws Exception {
    try (OpsServer ops = OpsServer.start(OpsOptions.local(0).withToken("s3cret").withScrapeToken("scraper"),
        registry, status, feed)) {
      openSlowClients(ops.port(), 450); // under the default limit of 512: nobody is evicted
      for (int i = 0; i < 20; i++) {
        assertEquals(200, timed(ops.port(), "/health/live", null));
        assertEquals(200, timed(ops.port(), "/metrics", "scraper"));
        assertEquals(401, timed(ops.port(), "/metrics", null));
        assertEquals(200, timed(ops.port(), "/api/status", "s3cret"));
      }
      for (Socket s : slow) {
        assertTrue(!s.isClosed());
      }
      System.out.printf("80 requests beside 450 unfinished ones: slowest answer %d ms%n", slowest);
    }
  }

  @Test
  void beyondTheConnectionLimitTheOldestUnfinishedHeadMakesRoom() throws Exception {
    OpsListener.Limits limits = new OpsListener.Limits(64, Duration.ofSeconds(30), Duration.ofSeconds(30), 16 * 1024);
    try (OpsServer ops = OpsServer.start(OpsOptions.local(0).withLimits(limits), registry, status, feed)) {
      openSlowClients(ops.port(), 300);
      for (int i = 0; i < 20; i++) {
        assertEquals(200, timed(ops.port(), "/health/live", null));
        assertEquals(200, timed(ops.port(), "/metrics", null));
      }
      // the first slow clients were closed to make room: their read ends
      slow.get(0).setSoTimeout(5_000);
      assertEquals(-1, slow.get(0).getInputStream().read(), "the oldest unfinished connection was closed");
    }
  }

  @Test
  void aHeadNotCompleteWithinTheDeadlineIsAnswered408() throws Exception {
    OpsListener.Limits limits = new OpsListener.Limits(64, Duration.ofMillis(500), Duration.ofSeconds(30), 16 * 1024);
    try (OpsServer ops = OpsServer.start(OpsOptions.local(0).withLimits(limits), registry, status, feed)) {
      openSlowClients(ops.port(), 2);
      Socket halfHead = slow.get(0);
      halfHead.setSoTimeout(5_000);
      long start = System.nanoTime();
      String answer = new String(halfHead.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertTrue(answer.startsWith("HTTP/1.1 408 "), answer);
      assertTrue(answer.contains("Connection: close"), answer);
      assertTrue(ms < 2_000, "cut at the deadline, not later: " + ms + " ms");
    }
  }

  @Test
  void anOversizedHeadIsAnswered431AndAMalformedOne400() throws Exception {
    OpsListener.Limits limits = new OpsListener.Limits(64, Duration.ofSeconds(5), Duration.ofSeconds(5), 1024);
    try (OpsServer ops = OpsServer.start(OpsOptions.local(0).withLimits(limits), registry, status, feed)) {
      assertTrue(exchange(ops.port(), "GET /health/live HTTP/1.1\r\nX-Big: " + "a".repeat(4096) + "\r\n\r\n")
          .startsWith("HTTP/1.1 431 "));
      assertTrue(exchange(ops.port(), "NONSENSE\r\n\r\n").startsWith("HTTP/1.1 400 "));
      assertTrue(exchange(ops.port(), "GET http://elsewhere/ HTTP/1.1\r\n\r\n").startsWith("HTTP/1.1 400 "));
      String live = exchange(ops.port(), "GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n");
      assertTrue(live.startsWith("HTTP/1.1 200 "), live);
    }
  }

  private static String exchange(int port, String request) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(5_000);
      try {
        s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      } catch (IOException e) {
        // the server may close before the whole oversized head is written; its answer is still there
      }
      InputStream in = s.getInputStream();
      try {
        return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      } catch (SocketTimeoutException e) {
        throw new AssertionError("no answer to " + request.substring(0, Math.min(40, request.length())), e);
      }
    }
  }
}
