package io.emotionstream.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.emotionstream.stream.EmotionStreams;
import io.emotionstream.stream.FrameStats;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
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
 * (server-sent events), the dashboard at {@code /}, and the notice for the people filmed at
 * {@code /notice} ({@link NoticePage}).
 *
 * <p>{@code /api/*}, the dashboard and {@code /metrics} need the bearer token when one is configured
 * ({@link OpsOptions#token()}), as {@code Authorization: Bearer TOKEN} or as the password of HTTP
 * basic authentication (which browsers ask for and then send with every request of the page,
 * including its event stream); {@code /metrics} also opens to the scrape token
 * ({@link OpsOptions#scrapeToken()}), Prometheus' credential; {@code /health/*} stays open for
 * probes, and {@code /notice} for everyone.
 *
 * <p>The handlers are written against the JDK's {@code HttpExchange}; the network side is
 * {@link OpsListener}, which reads request heads and writes responses without blocking a thread,
 * with deadlines and a connection limit, and runs probes and scrapes on a pool of their own: the
 * JDK's {@code HttpServer} read request heads on its pool threads with no deadline, so slow clients
 * could starve {@code /health/live} and {@code /metrics}. What else the JDK lacks we add here: a
 * bounded thread pool where event streams can never take every thread, heartbeats that find clients
 * that left, bearer tokens, and 400s for bad parameters.
 */
public final class OpsServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(OpsServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Threads beyond the event streams: short requests (the page, the API) always find one. */
  private static final int REQUEST_THREADS = 8;
  /**
   * Threads for probes and scrapes ({@code /health/*}, {@code /metrics}), which nothing else uses; a
   * scrape of a busy processor takes tens of milliseconds. Requests beyond the queue are answered 503.
   */
  private static final int PROBE_THREADS = 2;
  private static final int PROBE_QUEUE = 64;
  private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8",
      "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8", "svg", "image/svg+xml");

  private final ExecutorService executor;
  private final ExecutorService probes;
  private final PrometheusMeterRegistry registry;
  private final InstanceStatus status;
  private final EventFeed feed;
  private final StatsQuery stats;
  private final Semaphore streamSlots;
  private final OpsOptions options;
  private final byte[] token;
  private final byte[] scrapeToken;
  private final NoticePage notice;
  private OpsListener listener;
  private final Map<String, java.util.function.Supplier<com.fasterxml.jackson.databind.JsonNode>> endpoints =
      new java.util.concurrent.ConcurrentHashMap<>();

  private OpsServer(ExecutorService executor, ExecutorService probes, PrometheusMeterRegistry registry,
      InstanceStatus status, EventFeed feed, OpsOptions options, NoticePage notice) {
    this.notice = notice;
    this.options = options;
    this.streamSlots = new Semaphore(options.maxStreams());
    this.token = options.token() == null ? null : options.token().getBytes(StandardCharsets.UTF_8);
    this.scrapeToken = options.scrapeToken() == null ? null : options.scrapeToken().getBytes(StandardCharsets.UTF_8);
    this.executor = executor;
    this.probes = probes;
    this.registry = registry;
    this.status = status;
    this.feed = feed;
    this.stats = new StatsQuery(status);
  }

  /**
   * On the loopback interface, without a token.
   *
   * @param port 0 picks a free port
   * @param feed null disables the event endpoints
   */
  public static OpsServer start(int port, PrometheusMeterRegistry registry, InstanceStatus status, EventFeed feed)
      throws IOException {
    return start(OpsOptions.local(port), registry, status, feed);
  }

  /** @param feed null disables the event endpoints */
  public static OpsServer start(OpsOptions options, PrometheusMeterRegistry registry, InstanceStatus status,
      EventFeed feed) throws IOException {
    return start(options, registry, status, feed, null);
  }

  /**
   * @param feed null disables the event endpoints
   * @param notice the notice page, or null (then {@code /notice} answers 404)
   */
  public static OpsServer start(OpsOptions options, PrometheusMeterRegistry registry, InstanceStatus status,
      EventFeed feed, NoticePage notice) throws IOException {
    // fixed: each event stream holds a thread for its lifetime, and there are at most maxStreams of them
    ExecutorService executor = Executors.newFixedThreadPool(options.maxStreams() + REQUEST_THREADS, r -> {
      Thread t = new Thread(r, "ops-http");
      t.setDaemon(true);
      return t;
    });
    ExecutorService probes = new java.util.concurrent.ThreadPoolExecutor(PROBE_THREADS, PROBE_THREADS, 0,
        TimeUnit.MILLISECONDS, new java.util.concurrent.ArrayBlockingQueue<>(PROBE_QUEUE), r -> {
          Thread t = new Thread(r, "ops-probes");
          t.setDaemon(true);
          return t;
        });
    OpsServer ops = new OpsServer(executor, probes, registry, status, feed, options, notice);
    try {
      ops.listener = OpsListener.start(new InetSocketAddress(options.bindAddress(), options.port()), options.limits(),
          ops::handle, executor, probes, OpsServer::probe);
    } catch (IOException | RuntimeException e) {
      executor.shutdownNow();
      probes.shutdownNow();
      throw e;
    }
    LOG.info("operations endpoints at http://{}:{}/ (metrics, health, dashboard{})", options.bindAddress(), ops.port(),
        options.token() == null && options.scrapeToken() == null ? ""
            : "; /api, the dashboard and /metrics need a token");
    return ops;
  }

  /** Paths served by the probe pool: liveness, readiness and the scrape. */
  static boolean probe(String path) {
    return path.startsWith("/health/") || path.equals("/metrics");
  }

  public int port() {
    return listener.address().getPort();
  }

  /**
   * Serves {@code body} as JSON at {@code path} (an {@code /api/...} path needs the token like the
   * others): for services that report more than the processor's status.
   */
  public void json(String path, java.util.function.Supplier<com.fasterxml.jackson.databind.JsonNode> body) {
    endpoints.put(path, body);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      route(exchange);
    }
  }

  /** Answers one request; the caller closes the exchange only after the error answers below are sent. */
  private void route(HttpExchange exchange) {
    try {
      String path = exchange.getRequestURI().getPath();
      if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
        send(exchange, 405, "text/plain", "method not allowed");
        return;
      }
      if (!open(path) && !authorised(exchange, path)) {
        exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"emotion-stream\", charset=\"UTF-8\"");
        exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"emotion-stream\"");
        send(exchange, 401, "text/plain", "this endpoint needs the ops token (Authorization: Bearer TOKEN)");
        return;
      }
      switch (path) {
        case "/metrics" -> send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
        case "/health/live" -> health(exchange, status.live(), status.liveness());
        case "/health/ready" -> health(exchange, status.ready(), status.readiness());
        case "/api/status" -> sendJson(exchange, 200, statusJson());
        case "/api/stats" -> stats(exchange);
        case "/api/events/recent" -> recent(exchange);
        case "/api/events/stream" -> stream(exchange);
        case "/" -> resource(exchange, "dashboard/index.html");
        case "/notice" -> notice(exchange);
        default -> {
          var endpoint = endpoints.get(path);
          if (endpoint != null) {
            sendJson(exchange, 200, endpoint.get());
          } else if (path.startsWith("/dashboard/") && !path.contains("..")) {
            resource(exchange, path.substring(1));
          } else {
            send(exchange, 404, "text/plain", "not found: " + path);
          }
        }
      }
    } catch (IOException e) {
      LOG.debug("client went away: {}", e.toString());
    } catch (BadRequest e) {
      try {
        send(exchange, 400, "text/plain", e.getMessage());
      } catch (IOException | RuntimeException ignored) {
        // client gone
      }
    } catch (RuntimeException e) {
      LOG.warn("{} failed: {}", exchange.getRequestURI(), e.toString());
      try {
        send(exchange, 500, "text/plain", "error: " + e.getMessage());
      } catch (IOException | RuntimeException ignored) {
        // response already started
      }
    }
  }

  /** Probes need no token, nor the people reading the notice. */
  private static boolean open(String path) {
    return path.startsWith("/health/") || path.equals("/notice");
  }

  private void notice(HttpExchange exchange) throws IOException {
    if (notice == null) {
      send(exchange, 404, "text/plain", "no notice on this instance");
      return;
    }
    String site = query(exchange.getRequestURI()).get("site");
    String page = notice.html(site);
    if (page == null) {
      send(exchange, 404, "text/plain; charset=utf-8", "no camera of site '" + site + "' is listed in the camera file");
      return;
    }
    send(exchange, 200, "text/html; charset=utf-8", page);
  }

  /**
   * Whether the request may see {@code path}: everything with the ops token (or no token set);
   * {@code /metrics} also with the scrape token.
   */
  private boolean authorised(HttpExchange exchange, String path) {
    boolean scrape = path.equals("/metrics");
    if (token == null && (!scrape || scrapeToken == null)) {
      return true;
    }
    byte[] given = credential(exchange);
    if (given == null) {
      return false;
    }
    // both compared in constant time, whichever matches
    boolean ops = token != null && MessageDigest.isEqual(given, token);
    boolean scraper = scrape && scrapeToken != null && MessageDigest.isEqual(given, scrapeToken);
    return ops | scraper;
  }

  /** The bearer token, or the password of HTTP basic authentication, of the request; null without. */
  private static byte[] credential(HttpExchange exchange) {
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    if (header == null) {
      return null;
    }
    if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
    }
    if (header.regionMatches(true, 0, "Basic ", 0, 6)) {
      try {
        String pair = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        return pair.substring(pair.indexOf(':') + 1).getBytes(StandardCharsets.UTF_8); // any user name
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
    return null;
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
    EmotionStreams processor = status.processor();
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
    int minutes = positiveInt(query, "minutes", 60, 7 * 24 * 60);
    StatsQuery.Answer answer = stats.windows(query.get("camera"), query.get("zone"), minutes);
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

  /**
   * Server-sent events: one {@code data:} line per face event, and a comment line after every
   * heartbeat interval without one. The JDK server tells nothing when a client leaves; a write does
   * (the first after the peer closed may still succeed, the next fails), so the heartbeat frees the
   * slot of a client that left within two intervals (64 idle clients with a 15 s keep-alive locked
   * new dashboards out for 30-40 s).
   */
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
        String event = queue.poll(options.heartbeat().toMillis(), TimeUnit.MILLISECONDS);
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

  /** A query parameter that must be a whole number in [1, max]; absent means {@code fallback}. */
  static int positiveInt(Map<String, String> query, String name, int fallback, int max) {
    String value = query.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(value.trim());
      if (n >= 1 && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new BadRequest("query parameter " + name + "=" + value + " must be a whole number from 1 to " + max);
  }

  /** A request the client must change; answered 400 with the message. */
  static final class BadRequest extends RuntimeException {
    BadRequest(String message) {
      super(message);
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
        try {
          out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
          throw new BadRequest("malformed query parameter '" + pair + "': " + e.getMessage());
        }
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
    listener.close();
    executor.shutdownNow();
    probes.shutdownNow();
  }
}
