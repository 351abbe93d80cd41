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
  private final Map<String, Counter> shed = new ConcurrentHashMap<>();
  private final Map<String, Counter> refused = new ConcurrentHashMap<>();

  public FrameStats() {
    this(new SimpleMeterRegistry());
  }

  public FrameStats(MeterRegistry registry) {
    this.registry = registry;
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
    clockSkew(camera).increment();
  }

  private Counter clockSkew(String camera) {
    return Counter.builder("emotionstream.clock.skew")
        .description("frames whose capture time lies beyond frame.max-clock-skew-ms of the record timestamp")
        .tag("camera", String.valueOf(camera)).register(registry);
  }

  /** Frames of {@code camera} whose capture time was not believed. */
  public long clockSkewed(String camera) {
    return (long) clockSkew(camera).count();
  }

  /** A frame not analysed (load shedding), by camera and reason ({@link FrameShedder}). */
  void recordShed(String camera, String reason) {
    shed.computeIfAbsent(camera + '\n' + reason, k -> Counter.builder("emotionstream.frames.shed")
        .description("frames not analysed because the instance was behind (load shedding)")
        .tag("camera", camera).tag("reason", reason).register(registry)).increment();
  }

  /**
   * A frame whose window of the counts had closed (it came more than the grace period after its
   * camera's time): its events were sent, the window counts miss it.
   */
  void recordLateForWindow(String camera) {
    lateCounter(camera).increment();
  }

  private Counter lateCounter(String camera) {
    return Counter.builder("emotionstream.stats.late.frames")
        .description("frames not in the window counts because their window had closed (later than stats.grace-seconds)")
        .tag("camera", String.valueOf(camera)).register(registry);
  }

  /** Frames of {@code camera} that came after their window of the counts had closed. */
  public long framesLateForWindow(String camera) {
    return (long) lateCounter(camera).count();
  }

  /** A frame not analysed because its camera's policy does not allow it ({@link Refusal}). */
  void recordRefused(String camera, Refusal reason) {
    refused(camera, reason).increment();
  }

  private Counter refused(String camera, Refusal reason) {
    return refused.computeIfAbsent(camera + '\n' + reason.code(), k -> Counter.builder("emotionstream.frames.refused")
        .description("frames not analysed because the camera policy does not allow it (camera file)")
        .tag("camera", String.valueOf(camera)).tag("reason", reason.code()).register(registry));
  }

  /** Frames of {@code camera} refused for {@code reason}. */
  public long framesRefused(String camera, Refusal reason) {
    Counter c = refused.get(camera + '\n' + reason.code());
    return c == null ? 0 : (long) c.count();
  }

  /** Frames refused by the camera policy, all cameras and reasons. */
  public long framesRefused() {
    return refused.values().stream().mapToLong(c -> (long) c.count()).sum();
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
    return shed.values().stream().mapToLong(c -> (long) c.count()).sum();
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
