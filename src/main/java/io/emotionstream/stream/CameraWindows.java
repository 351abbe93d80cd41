package io.emotionstream.stream;

import io.emotionstream.schema.EmotionStats;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The window counts of {@code emotion-stats}: folds each frame's tally into tumbling windows of its
 * camera's time (the frame's capture time) and forwards each window <b>once</b>, final, when that
 * camera's own time has passed the window's end plus the grace period.
 *
 * <p>Why not Kafka Streams' windowed aggregation: its time is the partition's (the highest timestamp
 * seen on it), so a camera whose frames run behind another camera of the same partition by more than
 * the grace period had its frames dropped as late. Here each camera has its own clock, the highest
 * capture time of its frames; a camera's frames come in order on its partition, so only a frame older
 * than its own camera's time by more than the grace period is late (counted, per camera, in
 * {@code emotionstream_stats_late_frames_total}, and logged).
 *
 * <p>A camera that sends nothing for longer than the grace period (switched off, or its last frame
 * sent) has its clock moved on by the wall time since its last frame, so its last window closes too.
 *
 * <p>State: {@link #WINDOWS} (camera and window start to the window's counts; open windows and
 * closed ones for {@code /api/stats}, kept for the store retention) and {@link #CLOCKS} (camera to its
 * time), both with changelogs: a restarted or rebalanced task goes on where it was. Under
 * {@code exactly_once_v2} a window's record commits with the state that says it was sent, so it is
 * sent once; under {@code at_least_once} a crash between the two can send it again (same content).
 */
final class CameraWindows implements Processor<String, EmotionStats, String, EmotionStats> {

  /** Store: window key ({@link #key}) to the window's counts. */
  static final String WINDOWS = "emotion-stats-windows";
  /** Store: camera id to the camera's time (ms). */
  static final String CLOCKS = "emotion-stats-clocks";

  private static final Logger LOG = LoggerFactory.getLogger(CameraWindows.class);
  private static final Duration IDLE_CHECK = Duration.ofSeconds(1);

  private final long size;
  private final long grace;
  private final long retention;
  private final FrameStats stats;
  private final Map<String, Camera> cameras = new HashMap<>();
  private ProcessorContext<String, EmotionStats> context;
  private KeyValueStore<String, EmotionStats> windows;
  private KeyValueStore<String, Long> clocks;

  /** One camera of this task: its time, and its windows still open and already sent. */
  private static final class Camera {
    long time = Long.MIN_VALUE;
    /** Time of the camera's latest frame, and the wall time it was processed (for idle cameras). */
    long frameTime = Long.MIN_VALUE;
    long frameWall;
    final TreeSet<Long> open = new TreeSet<>();
    final ArrayDeque<Long> closed = new ArrayDeque<>();
  }

  /**
   * @param size window length
   * @param grace how far behind its camera's time a frame may be and still count in its window
   * @param retention how long a closed window stays in the store (for {@code /api/stats})
   */
  CameraWindows(Duration size, Duration grace, Duration retention, FrameStats stats) {
    if (size.toMillis() <= 0 || grace.isNegative() || retention.isNegative()) {
      throw new IllegalArgumentException("window size must be positive, grace and retention not negative: "
          + size + ", " + grace + ", " + retention);
    }
    this.size = size.toMillis();
    this.grace = grace.toMillis();
    this.retention = retention.toMillis();
    this.stats = stats;
  }

  /** Store key of a camera's window: the camera id, a zero byte, the window start (ms, 19 digits). */
  static String key(String camera, long windowStart) {
    return camera + '\u0000' + String.format("%019d", windowStart);
  }

  /** First and last possible key of a camera's windows (for range queries). */
  static String[] range(String camera) {
    return new String[] {camera + '\u0000', camera + '\u0001'};
  }

  @Override
  public void init(ProcessorContext<String, EmotionStats> context) {
    this.context = context;
    this.windows = context.getStateStore(WINDOWS);
    this.clocks = context.getStateStore(CLOCKS);
    long now = context.currentSystemTimeMs();
    try (KeyValueIterator<String, Long> it = clocks.all()) {
      it.forEachRemaining(kv -> {
        Camera c = new Camera();
        c.time = kv.value;
        c.frameTime = kv.value;
        c.frameWall = now;
        cameras.put(kv.key, c);
      });
    }
    try (KeyValueIterator<String, EmotionStats> it = windows.all()) {
      it.forEachRemaining(kv -> {
        int sep = kv.key.lastIndexOf('\u0000');
        Camera c = cameras.computeIfAbsent(kv.key.substring(0, sep), k -> new Camera());
        long start = Long.parseLong(kv.key.substring(sep + 1));
        if (closed(c, start)) {
          c.closed.addLast(start);
        } else {
          c.open.add(start);
        }
      });
    }
    context.schedule(IDLE_CHECK, PunctuationType.WALL_CLOCK_TIME, this::moveIdleClocks);
  }

  @Override
  public void process(Record<String, EmotionStats> record) {
    String camera = record.key();
    long time = Math.max(0, record.timestamp());
    long start = time - time % size;
    Camera c = cameras.computeIfAbsent(camera, k -> new Camera());
    c.frameWall = context.currentSystemTimeMs();
    if (closed(c, start)) {
      stats.recordLateForWindow(camera);
      LOG.warn("camera {}: a frame of {} came after its window [{}, {}) closed (camera time {}, grace {} ms);"
          + " its events were sent, it is not in the window counts", camera, Instant.ofEpochMilli(time),
          Instant.ofEpochMilli(start), Instant.ofEpochMilli(start + size), Instant.ofEpochMilli(c.time), grace);
      return;
    }
    String key = key(camera, start);
    EmotionStats window = windows.get(key);
    EmotionStats sum = EmotionStatsAggregator.add(camera, record.value(),
        window == null ? EmotionStatsAggregator.empty() : window);
    windows.put(key, EmotionStats.newBuilder(sum).setWindowStart(Instant.ofEpochMilli(start))
        .setWindowEnd(Instant.ofEpochMilli(start + size)).build());
    c.open.add(start);
    c.frameTime = Math.max(c.frameTime, time);
    advance(camera, c, time);
  }

  private boolean closed(Camera c, long windowStart) {
    return c.time != Long.MIN_VALUE && windowStart + size + grace <= c.time;
  }

  /** Moves the camera's time on to {@code time}; sends the windows that closed, forgets the expired. */
  private void advance(String camera, Camera c, long time) {
    if (time <= c.time) {
      return;
    }
    c.time = time;
    clocks.put(camera, time);
    while (!c.open.isEmpty() && closed(c, c.open.first())) {
      long start = c.open.pollFirst();
      EmotionStats window = windows.get(key(camera, start));
      if (window != null) {
        context.forward(new Record<>(camera, window, start + size));
      }
      c.closed.addLast(start);
    }
    while (!c.closed.isEmpty() && c.closed.peekFirst() + size + grace + retention <= time) {
      windows.delete(key(camera, c.closed.pollFirst()));
    }
  }

  /**
   * Cameras silent for longer than the grace period: their time runs on with the wall clock. A
   * silent camera with no window left in the store (its last closed window kept for the retention
   * and then deleted) is forgotten: its clock is deleted from the store (a tombstone on the
   * changelog) and from memory, so that state follows the cameras that send, not every camera id
   * ever seen.
   */
  private void moveIdleClocks(long now) {
    for (var it = cameras.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      Camera c = e.getValue();
      long idle = now - c.frameWall;
      if (idle <= grace) {
        continue;
      }
      if (c.frameTime != Long.MIN_VALUE && !(c.open.isEmpty() && c.closed.isEmpty())) {
        advance(e.getKey(), c, c.frameTime + idle);
      }
      if (c.open.isEmpty() && c.closed.isEmpty()) {
        clocks.delete(e.getKey());
        it.remove();
      }
    }
  }

  /** Cameras this task keeps windows or a clock for now. */
  int cameras() {
    return cameras.size();
  }
}
