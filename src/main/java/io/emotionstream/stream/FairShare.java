package io.emotionstream.stream;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The fair-share rule of load shedding: <b>while the instance is overloaded, every camera gets the
 * same analysed rate, or all its frames if it sends fewer</b> (max-min fairness). With cameras at
 * the same frame rate, every camera then keeps the same share of its frames. Over a sliding window
 * it counts, per camera, the frames offered (every frame that reached the shedder) and analysed; the
 * instance's analysed total is what it manages under the load, and is shared out by water-filling:
 * cameras sending less than an equal part keep all their frames, the rest is split evenly (the
 * level). A camera that analysed more than the level in the window sheds its next frame.
 *
 * <p>Why it is needed: a stream thread takes turns between its partitions, and each camera is on
 * one partition, so cameras do not share the cores evenly: in a 14-minute soak at 1.35x capacity,
 * one camera alone on a thread shed 13 frames while another, on a thread with two others, shed
 * 2,490 (61%). The frames the rule sheds on the lightly loaded thread cost nothing to process, so
 * the cores they free go to the threads that are behind, whose cameras then shed fewer frames as
 * too old, until every camera is analysed at about the same rate. A camera flooding its partition
 * gets the level, not the cores of the others.
 *
 * <p>Overloaded means: a frame was shed as too old within the window (the shedder leaves out frames
 * far older than max-age, a backlog worked off after a restart or an outage). A camera is shed only
 * above the level plus {@value #HEADROOM_PERCENT}%: the headroom lets the analysed total grow when the
 * instance can do more (else the level would only ever follow it down), and keeps cameras at the
 * level from shedding each other down. Once the overload ends, the rule stops within one window.
 * Cameras not seen within the window are forgotten, so the state is bounded by the cameras sending
 * at the time.
 *
 * <p>Thread-safe: one instance is shared by every stream thread; the level is recomputed at most
 * every {@value #LEVEL_REFRESH_MS} ms (a decision otherwise takes well under a microsecond, against
 * tens of milliseconds for an analysed frame).
 */
final class FairShare {

  /** The window over which rates are compared; also how long an overload is remembered. */
  static final Duration WINDOW = Duration.ofSeconds(10);
  static final int HEADROOM_PERCENT = 5;
  static final long LEVEL_REFRESH_MS = 250;

  private final int seconds;
  private final Map<String, Counts> cameras = new HashMap<>();
  private long lastTooOldSecond = Long.MIN_VALUE;
  private long lastSweepSecond = Long.MIN_VALUE;
  private long levelAt = Long.MIN_VALUE;
  private double level = Double.MAX_VALUE;

  FairShare(Duration window) {
    this.seconds = (int) Math.max(1, window.toSeconds());
  }

  /**
   * Whether the camera's next frame is to be shed for fairness: the instance is overloaded and the
   * camera analysed more frames in the window than its fair part.
   */
  synchronized boolean behindShare(String camera, long nowMillis) {
    long second = Math.floorDiv(nowMillis, 1000);
    sweep(second);
    if (lastTooOldSecond == Long.MIN_VALUE || second - lastTooOldSecond >= seconds) {
      return false;
    }
    Counts c = cameras.get(camera);
    if (c == null) {
      return false;
    }
    c.advance(second);
    return c.analysed > level(nowMillis, second) * (1 + HEADROOM_PERCENT / 100.0) + 1;
  }

  /** A frame of {@code camera} was shed; {@code tooOld}: by age (the sign of an overload). */
  synchronized void shed(String camera, long nowMillis, boolean tooOld) {
    long second = Math.floorDiv(nowMillis, 1000);
    if (tooOld) {
      lastTooOldSecond = second;
    }
    cameras.computeIfAbsent(camera, k -> new Counts(seconds)).add(second, false);
  }

  /** A frame of {@code camera} goes on to be analysed. */
  synchronized void analysed(String camera, long nowMillis) {
    cameras.computeIfAbsent(camera, k -> new Counts(seconds)).add(Math.floorDiv(nowMillis, 1000), true);
  }

  /** Cameras with frames in the window. */
  synchronized int cameras() {
    return cameras.size();
  }

  /**
   * The fair part of the instance's analysed frames in the window: water-filling over the cameras'
   * offered frames (those offering less keep what they offer, the rest share what remains evenly).
   */
  private double level(long nowMillis, long second) {
    if (levelAt != Long.MIN_VALUE && nowMillis - levelAt < LEVEL_REFRESH_MS && nowMillis >= levelAt) {
      return level;
    }
    levelAt = nowMillis;
    long[] offered = new long[cameras.size()];
    long capacity = 0;
    int n = 0;
    for (Counts c : cameras.values()) {
      c.advance(second);
      offered[n++] = c.offered;
      capacity += c.analysed;
    }
    Arrays.sort(offered);
    double remaining = capacity;
    level = Double.MAX_VALUE;
    for (int i = 0; i < n; i++) {
      double equal = remaining / (n - i);
      if (offered[i] >= equal) {
        level = equal;
        break;
      }
      remaining -= offered[i];
    }
    return level;
  }

  /** Once a second: forgets the cameras that sent nothing within the window. */
  private void sweep(long second) {
    if (second == lastSweepSecond) {
      return;
    }
    lastSweepSecond = second;
    for (Iterator<Counts> it = cameras.values().iterator(); it.hasNext(); ) {
      if (second - it.next().latest >= seconds) {
        it.remove();
      }
    }
  }

  /** Frames offered and analysed per second over the window, with their sums. */
  private static final class Counts {
    final long[] offeredPerSecond;
    final long[] analysedPerSecond;
    long offered;
    long analysed;
    long latest = Long.MIN_VALUE;

    Counts(int seconds) {
      offeredPerSecond = new long[seconds];
      analysedPerSecond = new long[seconds];
    }

    void add(long second, boolean isAnalysed) {
      advance(second);
      int i = (int) Math.floorMod(second, offeredPerSecond.length);
      offeredPerSecond[i]++;
      offered++;
      if (isAnalysed) {
        analysedPerSecond[i]++;
        analysed++;
      }
    }

    /** Moves the window on to {@code second}, dropping the seconds that left it. */
    void advance(long second) {
      if (latest == Long.MIN_VALUE || second - latest >= offeredPerSecond.length) {
        Arrays.fill(offeredPerSecond, 0);
        Arrays.fill(analysedPerSecond, 0);
        offered = 0;
        analysed = 0;
      } else {
        for (long s = latest + 1; s <= second; s++) {
          int i = (int) Math.floorMod(s, offeredPerSecond.length);
          offered -= offeredPerSecond[i];
          analysed -= analysedPerSecond[i];
          offeredPerSecond[i] = 0;
          analysedPerSecond[i] = 0;
        }
      }
      latest = Math.max(latest, second);
    }
  }
}
