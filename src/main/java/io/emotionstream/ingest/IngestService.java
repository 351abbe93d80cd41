package io.emotionstream.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.emotionstream.config.Settings;
import io.emotionstream.kafka.RecordSizes;
import io.emotionstream.kafka.TopicCreator;
import io.emotionstream.ops.Operations;
import io.emotionstream.ops.ServiceHealth;
import io.emotionstream.stream.FrameProducer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code ingest} service: one {@link CameraSupervisor} per camera of the camera list, one
 * idempotent Kafka producer shared by all, and a watcher that applies changes of the list without a
 * restart (a changed file, or {@link #reload()} on SIGHUP): cameras added are started, removed ones
 * stopped, changed ones restarted, the others untouched. A list that cannot be read is reported
 * (log, {@code /api/cameras}, the reload counter) and the cameras keep running as they were.
 */
public final class IngestService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(IngestService.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What a reload changed. */
  public record Reload(List<String> added, List<String> removed, List<String> changed, int unchanged) {
    @Override
    public String toString() {
      return "added " + added + ", removed " + removed + ", changed " + changed + ", " + unchanged + " unchanged";
    }
  }

  private final Path file;
  private final IngestDefaults defaults;
  private final FrameProducer producer;
  private final CameraSupervisor.Shared shared;
  private final MeterRegistry registry;
  private final Duration brokerTimeout;
  private final Map<String, CameraSupervisor> cameras = new LinkedHashMap<>();
  private final List<CameraSupervisor> stopping = new ArrayList<>();
  private final Counter reloadsApplied;
  private final Counter reloadsRefused;
  private final CameraListWatcher watcher;
  private volatile String listError;
  private volatile Instant listLoadedAt;
  private volatile boolean closed;

  private IngestService(Settings settings, Path file, IngestDefaults defaults, CameraList list, MeterRegistry registry) {
    this.file = file;
    this.defaults = defaults;
    this.registry = registry;
    this.brokerTimeout = Duration.ofMillis(settings.longValue("health.broker-timeout-ms"));
    Map<String, Object> producerSettings = new LinkedHashMap<>();
    producerSettings.put(ProducerConfig.CLIENT_ID_CONFIG, "emotion-stream-ingest");
    // a send waits at most this long for the topic's metadata (the broker unreachable at start):
    // the camera's sender counts the frame as dropped and goes on instead of blocking for 60 s
    producerSettings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
    this.producer = new FrameProducer(settings, producerSettings);
    // a camera JPEG above frame.max-bytes is still read (and scaled down), up to twice that
    int maxImage = (int) Math.min(Integer.MAX_VALUE - 65_536, 2 * defaults.maxFrameBytes());
    this.shared = new CameraSupervisor.Shared(new StreamOpener(maxImage), producer::send, registry, defaults);
    this.reloadsApplied = Counter.builder("emotionstream.ingest.camera.list.reloads").tag("result", "applied")
        .description("changes of the camera list file applied or refused").register(registry);
    this.reloadsRefused = Counter.builder("emotionstream.ingest.camera.list.reloads").tag("result", "refused")
        .description("changes of the camera list file applied or refused").register(registry);
    Gauge.builder("emotionstream.ingest.cameras.streaming", this, s -> s.count(CameraState.STREAMING))
        .description("cameras whose frames arrive").register(registry);
    Gauge.builder("emotionstream.ingest.cameras", this, s -> s.cameras().size())
        .description("cameras in the camera list").register(registry);
    apply(list);
    this.watcher = new CameraListWatcher(file, defaults.reloadCheck(), this::reloadIfChanged);
  }

  /**
   * Reads the camera list and starts every camera.
   *
   * @throws CameraListException when the list cannot be used (nothing is started then)
   */
  public static IngestService start(Settings settings, Path cameraFile, MeterRegistry registry) {
    IngestDefaults defaults = IngestDefaults.from(settings);
    CameraList list = CameraList.read(cameraFile, defaults);
    IngestService service = new IngestService(settings, cameraFile, defaults, list, registry);
    if (settings.bool("topics.create")) {
      Thread t = new Thread(() -> createFramesTopic(settings), "ingest-create-topic");
      t.setDaemon(true);
      t.start();
    }
    service.watcher.start();
    LOG.info("ingesting {} camera(s) from {} to topic {}", list.cameras().size(), cameraFile, service.producer.topic());
    return service;
  }

  /** Health on {@code /health/*}, {@code /api/cameras}, and this service's metrics on the ops server. */
  public void attach(Operations ops) {
    ops.status().service(this::health);
    ops.json("/api/cameras", this::statusJson);
  }

  /** The frames topic with its record size, when missing; a broker that is not up yet is no error. */
  private static void createFramesTopic(Settings settings) {
    try {
      NewTopic topic = new NewTopic(settings.string("topic.frames"), settings.integer("topics.partitions"),
          (short) settings.integer("topics.replication-factor")).configs(RecordSizes.topic(settings));
      TopicCreator.ensure(settings, List.of(topic));
    } catch (RuntimeException e) {
      LOG.warn("could not check or create topic {} ({}); frames are sent to it anyway", settings.string("topic.frames"),
          Redaction.describe(e));
    }
  }

  /** Reads the camera list again and applies what changed. */
  public synchronized Reload reload() {
    if (closed) {
      throw new IllegalStateException("the ingest service is closed");
    }
    CameraList list;
    try {
      list = CameraList.read(file, defaults);
    } catch (CameraListException e) {
      listError = e.getMessage();
      reloadsRefused.increment();
      LOG.error("camera list not applied, the cameras keep running as they were: {}", e.getMessage());
      throw e;
    }
    Reload r = apply(list);
    reloadsApplied.increment();
    LOG.info("camera list {} applied: {}", file, r);
    return r;
  }

  private void reloadIfChanged() {
    try {
      reload();
    } catch (CameraListException e) {
      // logged and shown by reload()
    }
  }

  private synchronized Reload apply(CameraList list) {
    Map<String, CameraConfig> wanted = new LinkedHashMap<>();
    list.cameras().forEach(c -> wanted.put(c.id(), c));
    List<String> added = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    int unchanged = 0;
    for (String id : new ArrayList<>(cameras.keySet())) {
      if (!wanted.containsKey(id)) {
        retire(cameras.remove(id));
        removed.add(id);
      }
    }
    for (CameraConfig c : wanted.values()) {
      CameraSupervisor running = cameras.get(c.id());
      if (running != null && running.camera().equals(c)) {
        unchanged++;
        continue;
      }
      if (running != null) {
        retire(running);
        changed.add(c.id());
      } else {
        added.add(c.id());
      }
      CameraSupervisor s = new CameraSupervisor(c, shared);
      cameras.put(c.id(), s);
      s.start();
    }
    // keep the list's order
    Map<String, CameraSupervisor> ordered = new LinkedHashMap<>();
    wanted.keySet().forEach(id -> ordered.put(id, cameras.get(id)));
    cameras.clear();
    cameras.putAll(ordered);
    listError = null;
    listLoadedAt = Instant.now();
    stopping.removeIf(s -> !s.alive() || awaitQuietly(s, Duration.ZERO));
    return new Reload(added, removed, changed, unchanged);
  }

  private void retire(CameraSupervisor s) {
    s.stop();
    stopping.add(s);
  }

  private static boolean awaitQuietly(CameraSupervisor s, Duration timeout) {
    try {
      return s.awaitStopped(timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Every camera of the list, in the list's order. */
  public synchronized List<CameraStatus> cameras() {
    return cameras.values().stream().map(CameraSupervisor::status).toList();
  }

  /** The error of the last reload that was refused, or null when the last one was applied. */
  public String listError() {
    return listError;
  }

  private synchronized long count(CameraState state) {
    return cameras.values().stream().filter(s -> s.state() == state).count();
  }

  /**
   * Live unless a camera's threads died. Ready when at least one camera streams (or none is meant
   * to: all closed or disabled) and Kafka acknowledged frames within
   * {@code health.broker-timeout-ms} whenever some were waiting.
   */
  public synchronized ServiceHealth health() {
    Map<CameraState, Integer> byState = new LinkedHashMap<>();
    boolean live = true;
    long stuck = 0;
    long now = System.currentTimeMillis();
    for (CameraSupervisor s : cameras.values()) {
      byState.merge(s.state(), 1, Integer::sum);
      live &= s.alive();
      if (s.pendingFrames() > 0 && now - s.lastAckMillis() > brokerTimeout.toMillis()) {
        stuck = Math.max(stuck, (now - s.lastAckMillis()) / 1000);
      }
    }
    int streaming = byState.getOrDefault(CameraState.STREAMING, 0);
    int idle = byState.getOrDefault(CameraState.CLOSED, 0) + byState.getOrDefault(CameraState.DISABLED, 0);
    StringBuilder detail = new StringBuilder().append(streaming).append(" of ").append(cameras.size())
        .append(" cameras streaming");
    byState.forEach((state, n) -> {
      if (state != CameraState.STREAMING) {
        detail.append(", ").append(n).append(' ').append(state.label());
      }
    });
    if (stuck > 0) {
      detail.append("; Kafka has not acknowledged a frame for ").append(stuck).append(" s");
    }
    if (listError != null) {
      detail.append("; the last change of the camera list was refused: ").append(listError);
    }
    boolean ready = (streaming > 0 || idle == cameras.size()) && stuck == 0;
    return new ServiceHealth(live, ready, detail.toString());
  }

  /** {@code /api/cameras}: every camera's status and the camera list's. */
  public JsonNode statusJson() {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode list = root.putObject("list");
    list.put("file", file.toString());
    list.put("loadedAt", String.valueOf(listLoadedAt));
    list.put("error", listError);
    ServiceHealth h = health();
    root.put("ready", h.ready());
    root.put("summary", h.detail());
    ArrayNode out = root.putArray("cameras");
    for (CameraStatus s : cameras()) {
      ObjectNode o = out.addObject();
      o.put("id", s.id());
      o.put("url", s.url());
      o.put("site", s.site());
      o.put("zone", s.zone());
      o.put("targetFps", s.targetFps());
      o.put("state", s.state().label());
      o.put("detail", s.detail());
      o.put("since", String.valueOf(s.since()));
      o.put("lastError", s.lastError());
      o.put("lastErrorAt", s.lastErrorAt() == null ? null : s.lastErrorAt().toString());
      if (Double.isNaN(s.lastFrameAgeSeconds())) {
        o.putNull("lastFrameAgeSeconds");
      } else {
        o.put("lastFrameAgeSeconds", round(s.lastFrameAgeSeconds()));
      }
      o.put("framesRead", s.framesRead());
      o.put("framesSent", s.framesSent());
      o.put("framesSkipped", s.framesSkipped());
      o.put("framesDropped", s.framesDroppedTotal());
      ObjectNode dropped = o.putObject("droppedBy");
      s.framesDropped().forEach(dropped::put);
      o.put("framesReencoded", s.framesReencoded());
      o.put("reconnects", s.reconnects());
      o.put("bytesPerSecond", Math.round(s.bytesPerSecond()));
      o.put("framesPerSecond", round(s.framesPerSecond()));
      o.put("bytesPerFrame", Math.round(s.bytesPerFrame()));
      o.put("pendingFrames", s.pendingFrames());
    }
    return root;
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  /** One line per camera for the progress log. */
  public List<String> progressLines() {
    List<String> out = new ArrayList<>();
    for (CameraStatus s : cameras()) {
      out.add(String.format(Locale.ROOT, "camera %s: %s, read %d, sent %d (%.1f/s, %.0f kB/s), skipped %d, dropped %d,"
              + " reconnects %d%s", s.id(), s.state().label(), s.framesRead(), s.framesSent(), s.framesPerSecond(),
          s.bytesPerSecond() / 1000, s.framesSkipped(), s.framesDroppedTotal(), s.reconnects(),
          s.lastError() == null || s.state() == CameraState.STREAMING ? "" : "; " + s.lastError()));
    }
    return out;
  }

  /**
   * Stops every camera (an FFmpeg read finishes first: at most the longest read timeout), gives
   * Kafka up to 5 s to acknowledge what was sent, and closes the producer.
   */
  @Override
  public void close() {
    List<CameraSupervisor> all;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      all = new ArrayList<>(cameras.values());
      all.addAll(stopping);
      cameras.clear();
    }
    watcher.close();
    all.forEach(CameraSupervisor::stop);
    Duration wait = defaults.readTimeout().plusSeconds(2);
    for (CameraSupervisor s : all) {
      wait = wait.plus(s.camera().readTimeout());
    }
    long deadline = System.nanoTime() + Math.min(wait.toNanos(), Duration.ofSeconds(30).toNanos());
    for (CameraSupervisor s : all) {
      if (!awaitQuietly(s, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))) {
        LOG.warn("camera {} did not stop in time", s.camera().id());
      }
    }
    producer.close(Duration.ofSeconds(5));
  }
}
