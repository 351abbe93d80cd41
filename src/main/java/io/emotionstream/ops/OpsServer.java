package io.emotionstream.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.emotionstream.stream.EmotionProcessor;
import io.emotionstream.stream.FrameStats;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP face of a processor instance: {@code /metrics} (Prometheus), {@code /health/live},
 * {@code /health/ready}, {@code /api/status}, {@code /api/stats} (interactive query of the
 * per-camera window counts), {@code /api/events/recent}, {@code /api/events/stream}
 * (server-sent events) and the dashboard at {@code /}.
 *
 * <p>The JDK's own HTTP server is enough for a handful of operational endpoints and avoids a web
 * framework in the processor's class path.
 */
public final class OpsServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(OpsServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_STREAMS = 64;
  private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8",
      "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8", "svg", "image/svg+xml");

  private final HttpServer server;
  private final ExecutorService executor;
  private final PrometheusMeterRegistry registry;
  private final InstanceStatus status;
  private final EventFeed feed;
  private final StatsQuery stats;
  private final Semaphore streamSlots = new Semaphore(MAX_STREAMS);

  private OpsServer(HttpServer server, ExecutorService executor, PrometheusMeterRegistry registry,
      InstanceStatus status, EventFeed feed) {
    this.server = server;
    this.executor = executor;
    this.registry = registry;
    this.status = status;
    this.feed = feed;
    this.stats = new StatsQuery(status);
  }

  /**
   * @param port 0 picks a free port
   * @param feed null disables the event endpoints
   */
  public static OpsServer start(int port, PrometheusMeterRegistry registry, InstanceStatus status, EventFeed feed)
      throws IOException {
    HttpServer http = HttpServer.create(new InetSocketAddress(port), 64);
    ExecutorService executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "ops-http");
      t.setDaemon(true);
      return t;
    });
    OpsServer ops = new OpsServer(http, executor, registry, status, feed);
    http.setExecutor(executor);
    http.createContext("/", ops::handle);
    http.start();
    LOG.info("operations endpoints at http://localhost:{}/ (metrics, health, dashboard)", ops.port());
    return ops;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
        send(exchange, 405, "text/plain", "method not allowed");
        return;
      }
      switch (path) {
        case "/metrics" -> send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
        case "/health/live" -> health(exchange, status.live(), status.live() ? "live" : "streams failed");
        case "/health/ready" -> health(exchange, status.ready(), status.readiness());
        case "/api/status" -> sendJson(exchange, 200, statusJson());
        case "/api/stats" -> stats(exchange);
        case "/api/events/recent" -> recent(exchange);
        case "/api/events/stream" -> stream(exchange);
        case "/" -> resource(exchange, "dashboard/index.html");
        default -> {
          if (path.startsWith("/dashboard/") && !path.contains("..")) {
            resource(exchange, path.substring(1));
          } else {
            send(exchange, 404, "text/plain", "not found: " + path);
          }
        }
      }
    } catch (IOException e) {
      LOG.debug("client went away: {}", e.toString());
    } catch (RuntimeException e) {
      LOG.warn("{} failed: {}", exchange.getRequestURI(), e.toString());
      try {
        send(exchange, 500, "text/plain", "error: " + e.getMessage());
      } catch (IOException | RuntimeException ignored) {
        // response already started
      }
    }
  }

  private void health(HttpExchange exchange, boolean ok, String detail) throws IOException {
    ObjectNode body = JSON.createObjectNode().put("status", ok ? "UP" : "DOWN").put("detail", detail);
    sendJson(exchange, ok ? 200 : 503, body);
  }

  private ObjectNode statusJson() {
    ObjectNode o = JSON.createObjectNode();
    o.put("ready", status.ready());
    o.put("readiness", status.readiness());
    o.put("streams", String.valueOf(status.streamsState()));
    o.put("model", status.modelInService());
    EmotionProcessor processor = status.processor();
    if (processor != null) {
      FrameStats s = processor.stats();
      o.put("framesReceived", s.framesReceived());
      o.put("framesProcessed", s.framesProcessed());
      o.put("framesShed", s.framesShed());
      o.put("faces", s.faces());
      o.put("deadLettered", s.deadLettered());
    }
    return o;
  }

  private void stats(HttpExchange exchange) throws IOException {
    Map<String, String> query = query(exchange.getRequestURI());
    int minutes = Integer.parseInt(query.getOrDefault("minutes", "60"));
    StatsQuery.Answer answer = stats.windows(query.get("camera"), minutes);
    if (answer.redirectTo() != null) {
      exchange.getResponseHeaders().add("Location", "http://" + answer.redirectTo() + exchange.getRequestURI());
      sendJson(exchange, 307, JSON.createObjectNode().put("owner", answer.redirectTo()));
      return;
    }
    sendJson(exchange, answer.status(), answer.body());
  }

  private void recent(HttpExchange exchange) throws IOException {
    if (feed == null) {
      send(exchange, 404, "text/plain", "no event feed on this instance");
      return;
    }
    StringBuilder out = new StringBuilder("[");
    for (String line : feed.recent()) {
      out.append(out.length() > 1 ? "," : "").append(line);
    }
    send(exchange, 200, "application/json", out.append(']').toString());
  }

  /** Server-sent events: one {@code data:} line per face event, a comment every 15 s to keep proxies open. */
  private void stream(HttpExchange exchange) throws IOException {
    if (feed == null || !streamSlots.tryAcquire()) {
      send(exchange, 503, "text/plain", feed == null ? "no event feed" : "too many live connections");
      return;
    }
    LinkedBlockingQueue<String> queue = new LinkedBlockingQueue<>(1000);
    Consumer<String> subscriber = queue::offer; // a slow client loses events rather than slowing the feed
    feed.subscribe(subscriber);
    try {
      exchange.getResponseHeaders().add("Content-Type", "text/event-stream; charset=utf-8");
      exchange.getResponseHeaders().add("Cache-Control", "no-cache");
      exchange.sendResponseHeaders(200, 0);
      OutputStream out = exchange.getResponseBody();
      out.write(": connected\n\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
      while (true) {
        String event = queue.poll(15, TimeUnit.SECONDS);
        out.write((event == null ? ": keep-alive\n\n" : "data: " + event + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      feed.unsubscribe(subscriber);
      streamSlots.release();
    }
  }

  private void resource(HttpExchange exchange, String name) throws IOException {
    try (InputStream in = OpsServer.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        send(exchange, 404, "text/plain", "not found: " + name);
        return;
      }
      String ext = name.substring(name.lastIndexOf('.') + 1);
      byte[] body = in.readAllBytes();
      exchange.getResponseHeaders().add("Content-Type", TYPES.getOrDefault(ext, "application/octet-stream"));
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
    }
  }

  private static Map<String, String> query(URI uri) {
    Map<String, String> out = new HashMap<>();
    String q = uri.getRawQuery();
    if (q == null) {
      return out;
    }
    for (String pair : q.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        out.put(java.net.URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  private static void sendJson(HttpExchange exchange, int code, Object body) throws IOException {
    send(exchange, code, "application/json", JSON.writeValueAsString(body));
  }

  private static void send(HttpExchange exchange, int code, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", type);
    exchange.sendResponseHeaders(code, exchange.getRequestMethod().equals("HEAD") ? -1 : bytes.length);
    if (!exchange.getRequestMethod().equals("HEAD")) {
      exchange.getResponseBody().write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
