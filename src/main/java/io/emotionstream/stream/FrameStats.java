package io.emotionstream.stream;

import io.emotionstream.analysis.FrameResult;
import io.emotionstream.analysis.RejectReason;
import io.emotionstream.policy.Refusal;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.TreeMap;

/**
 * Counters and timings of one processor instance, shared by its stream threads and error
 * handlers, kept as Micrometer meters (exported in Prometheus format by the ops server).
 */
public final class FrameStats {

  private final Counter received;
  private final Counter processed;
  private final Counter withoutFaces;
  private final Counter faces;
  private final DistributionSummary facesPerFrame;
  private final Timer decode;
  private final Timer detect;
  private final Timer classify;
  private final Timer latency;
  private final Map<RejectReason, Counter> deadLettered = new EnumMap<>(RejectReason.class);
  private final MeterRegistry registry;
  private final CameraMeters cameras;
  private final java.util.concurrent.atomic.LongAdder shed = new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder refused = new java.util.concurrent.atomic.LongAdder();
  private final Map<String, java.util.concurrent.atomic.LongAdder> refusedByReason = new ConcurrentHashMap<>();

  public FrameStats() {
    this(new SimpleMeterRegistry());
  }

  public FrameStats(MeterRegistry registry) {
    this(registry, CameraMeters.Limits.defaults());
  }

  /** @param limits how many cameras have series of their own, and for how long without counts */
  FrameStats(MeterRegistry registry, CameraMeters.Limits limits) {
    this.registry = registry;
    this.cameras = new CameraMeters(registry, limits, System::currentTimeMillis);
    received = Counter.builder("emotionstream.frames.received").description("frames read from the frames topic")
        .register(registry);
    processed = Counter.builder("emotionstream.frames.processed").description("frames turned into events")
        .register(registry);
    withoutFaces = Counter.builder("emotionstream.frames.without.faces").description("processed frames with no face")
        .register(registry);
    faces = Counter.builder("emotionstream.faces").description("face events emitted").register(registry);
    facesPerFrame = DistributionSummary.builder("emotionstream.faces.per.frame")
        .serviceLevelObjectives(1, 2, 3, 5, 8, 13, 21).register(registry);
    decode = stageTimer(registry, "decode");
    detect = stageTimer(registry, "detect");
    classify = stageTimer(registry, "classify");
    latency = Timer.builder("emotionstream.frame.latency").description("capture time to event emission")
        .publishPercentileHistogram().maximumExpectedValue(Duration.ofSeconds(60)).register(registry);
    for (RejectReason reason : RejectReason.values()) {
      deadLettered.put(reason, Counter.builder("emotionstream.frames.dead.lettered")
          .description("records sent to the dead-letter topic").tag("reason", reason.code()).register(registry));
    }
  }

  private static Timer stageTimer(MeterRegistry registry, String stage) {
    return Timer.builder("emotionstream.stage.duration").description("time per frame in one processing stage")
        .tag("stage", stage).publishPercentileHistogram().maximumExpectedValue(Duration.ofSeconds(10))
        .register(registry);
  }

  void recordReceived() {
    received.increment();
  }

  void recordFrame(FrameResult result) {
    processed.increment();
    int count = result.events().size();
    faces.increment(count);
    facesPerFrame.record(count);
    if (count == 0) {
      withoutFaces.increment();
    }
    decode.record(Duration.ofNanos(result.decodeNanos()));
    detect.record(Duration.ofNanos(result.detectNanos()));
    if (count > 0) {
      classify.record(Duration.ofNanos(result.classifyNanos()));
      latency.record(Duration.ofMillis(Math.max(0, result.latencyMillis())));
    }
  }

  /** A frame whose capture time lies beyond {@code frame.max-clock-skew-ms} of its record's timestamp. */
  void recordClockSkew(String camera) {
    cameras.counter("emotionstream.clock.skew",
        "frames whose capture time lies beyond frame.max-clock-skew-ms of the record timestamp or of now", camera)
        .increment();
  }

  /** Frames of {@code camera} whose capture time was not believed (while it has series of its own). */
  public long clockSkewed(String camera) {
    return count("emotionstream.clock.skew", camera);
  }

  /** A frame not analysed (load shedding), by camera and reason ({@link FrameShedder}). */
  void recordShed(String camera, String reason) {
    shed.increment();
    cameras.counter("emotionstream.frames.shed",
        "frames not analysed because the instance was behind (load shedding: too-old, fair-share)", camera,
        "reason", reason).increment();
  }

  /** Frames of {@code camera} shed for {@code reason} (while it has series of its own). */
  public long framesShed(String camera, String reason) {
    return count("emotionstream.frames.shed", camera, "reason", reason);
  }

  /**
   * A frame whose window of the counts had closed (it came more than the grace period after its
   * camera's time): its events were sent, the window counts miss it.
   */
  void recordLateForWindow(String camera) {
    cameras.counter("emotionstream.stats.late.frames",
        "frames not in the window counts because their window had closed (later than stats.grace-seconds)", camera)
        .increment();
  }

  /** Frames of {@code camera} that came after their window of the counts had closed. */
  public long framesLateForWindow(String camera) {
    return count("emotionstream.stats.late.frames", camera);
  }

  /** A frame not analysed because its camera's policy does not allow it ({@link Refusal}). */
  void recordRefused(String camera, Refusal reason) {
    refused.increment();
    refusedByReason.computeIfAbsent(reason.code(), k -> new java.util.concurrent.atomic.LongAdder()).increment();
    String description = "frames not analysed because the camera policy does not allow it (camera file)";
    // ids the camera file does not list are anybody's choice: they never get series of their own
    (reason == Refusal.NOT_LISTED ? cameras.unlisted("emotionstream.frames.refused", description, "reason", reason.code())
        : cameras.counter("emotionstream.frames.refused", description, camera, "reason", reason.code())).increment();
  }

  /**
   * Frames of {@code camera} refused for {@code reason}; for {@link Refusal#NOT_LISTED}, those of
   * every unlisted camera (counted under {@code camera="unlisted"}).
   */
  public long framesRefused(String camera, Refusal reason) {
    return count("emotionstream.frames.refused", reason == Refusal.NOT_LISTED ? CameraMeters.UNLISTED : camera,
        "reason", reason.code());
  }

  /** Frames refused by the camera policy, all cameras and reasons. */
  public long framesRefused() {
    return refused.sum();
  }

  /** A punctuation (of {@code processor}) failed and was skipped; the stream thread went on. */
  void recordPunctuationError(String processor) {
    Counter.builder("emotionstream.punctuation.errors")
        .description("wall-clock punctuations (track and window ends of silent cameras) that failed and were skipped")
        .tag("processor", processor).register(registry).increment();
  }

  /** Punctuations that failed, all processors. */
  public long punctuationErrors() {
    return (long) registry.find("emotionstream.punctuation.errors").counters().stream()
        .mapToDouble(Counter::count).sum();
  }

  void recordDeadLetter(RejectReason reason) {
    deadLettered.get(reason).increment();
  }

  /** Frames read from the frames topic (including those later dead-lettered). */
  public long framesReceived() {
    return (long) received.count();
  }

  /** Frames that produced their events (possibly none). */
  public long framesProcessed() {
    return (long) processed.count();
  }

  /** Frames shed, all cameras and reasons. */
  public long framesShed() {
    return shed.sum();
  }

  /** The count of a per-camera counter now, 0 when the camera has no such series. */
  private long count(String name, String camera, String... tags) {
    var search = registry.find(name).tag("camera", String.valueOf(camera));
    for (int i = 0; i + 1 < tags.length; i += 2) {
      search = search.tag(tags[i], tags[i + 1]);
    }
    Counter c = search.counter();
    return c == null ? 0 : (long) c.count();
  }

  public long framesWithoutFaces() {
    return (long) withoutFaces.count();
  }

  /** Face events emitted. */
  public long faces() {
    return (long) faces.count();
  }

  /** Records sent to the dead-letter topic, all reasons. */
  public long deadLettered() {
    return deadLettered.values().stream().mapToLong(c -> (long) c.count()).sum();
  }

  public long deadLettered(RejectReason reason) {
    return (long) deadLettered.get(reason).count();
  }

  /** Dead-lettered counts by reason code, reasons that occurred only. */
  public Map<String, Long> deadLetteredByReason() {
    Map<String, Long> out = new TreeMap<>();
    deadLettered.forEach((r, c) -> {
      if (c.count() > 0) {
        out.put(r.code(), (long) c.count());
      }
    });
    return out;
  }

  @Override
  public String toString() {
    return "frames processed=" + framesProcessed() + " (without faces=" + framesWithoutFaces() + "), faces="
        + faces() + ", shed=" + framesShed() + ", refused by policy=" + framesRefused()
        + ", dead-lettered=" + deadLetteredByReason();
  }
}
