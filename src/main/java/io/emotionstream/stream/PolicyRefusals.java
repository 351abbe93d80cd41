package io.emotionstream.stream;

import io.emotionstream.policy.CameraPolicies;
import io.emotionstream.policy.Refusal;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frames the camera policy does not allow: each is counted per camera and reason
 * ({@link FrameStats#recordRefused}), and logged: at once for a camera's first refused frame, then
 * at most once a minute per camera and reason with the number refused since, so that a refused
 * camera is visible in the log without flooding it.
 *
 * <p>Camera ids come from producers, so the log is bounded too: at most {@link #MAX_LOGGED_CAMERAS}
 * cameras are followed at once (entries quiet for a minute are dropped); refusals of further cameras
 * are summed into one line a minute ("and N frames of M further cameras").
 */
final class PolicyRefusals {

  private static final Logger LOG = LoggerFactory.getLogger(PolicyRefusals.class);
  static final long LOG_INTERVAL_MS = 60_000;
  /** Cameras (and reasons) logged one by one at once; the rest are summarised. */
  static final int MAX_LOGGED_CAMERAS = 100;
  /** Further cameras counted one by one for the summary line (beyond: "at least"). */
  private static final int MAX_COUNTED_CAMERAS = 10_000;

  private final FrameStats stats;
  private final LongSupplier clock;
  /** camera and reason to {last logged, refused since}. */
  private final Map<String, long[]> pending = new HashMap<>();
  private final Map<String, Boolean> overflowCameras = new HashMap<>();
  private long overflowFrames;
  private long lastSweep = Long.MIN_VALUE;

  PolicyRefusals(FrameStats stats, LongSupplier clock) {
    this.stats = stats;
    this.clock = clock;
  }

  void refuse(String camera, Refusal reason, CameraPolicies policies) {
    stats.recordRefused(camera, reason);
    long now = clock.getAsLong();
    synchronized (this) {
      sweep(now);
      String key = camera + '\n' + reason.code();
      long[] state = pending.get(key);
      if (state == null && pending.size() >= MAX_LOGGED_CAMERAS) {
        overflowFrames++;
        if (overflowCameras.size() < MAX_COUNTED_CAMERAS) {
          overflowCameras.put(key, Boolean.TRUE);
        }
        return;
      }
      if (state == null) {
        state = new long[] {Long.MIN_VALUE, 0};
        pending.put(key, state);
      }
      state[1]++;
      if (state[0] == Long.MIN_VALUE || now - state[0] >= LOG_INTERVAL_MS) {
        String count = state[0] == Long.MIN_VALUE ? "its frames are" : state[1] + " frames in the last minute were";
        LOG.warn("camera {} {} ({}): {} counted in emotionstream_frames_refused_total{{reason=\"{}\"}}, not analysed",
            camera, reason.explanation(), policies.source(), count, reason.code());
        state[0] = now;
        state[1] = 0;
      }
    }
  }

  /** Once a minute: drops cameras quiet for a minute and summarises the cameras beyond the limit. */
  private void sweep(long now) {
    if (lastSweep != Long.MIN_VALUE && now - lastSweep < LOG_INTERVAL_MS) {
      return;
    }
    lastSweep = now;
    for (Iterator<long[]> it = pending.values().iterator(); it.hasNext(); ) {
      long[] state = it.next();
      // quiet for a minute (or refused again since, then silent for two: its count is dropped)
      if (state[1] == 0 && now - state[0] >= LOG_INTERVAL_MS || now - state[0] >= 2 * LOG_INTERVAL_MS) {
        it.remove();
      }
    }
    if (overflowFrames > 0) {
      LOG.warn("and {} frames of {}{} further cameras (beyond the {} logged one by one) were refused by the camera"
          + " policy in the last minute: counted in emotionstream_frames_refused_total, not analysed", overflowFrames,
          overflowCameras.size() >= MAX_COUNTED_CAMERAS ? "at least " : "", overflowCameras.size(), MAX_LOGGED_CAMERAS);
      overflowFrames = 0;
      overflowCameras.clear();
    }
  }

  /** Cameras (and reasons) followed one by one now. */
  synchronized int followed() {
    return pending.size();
  }
}
