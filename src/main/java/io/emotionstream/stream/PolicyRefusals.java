package io.emotionstream.stream;

import io.emotionstream.policy.CameraPolicies;
import io.emotionstream.policy.Refusal;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frames the camera policy does not allow: each is counted per camera and reason
 * ({@link FrameStats#recordRefused}), and logged: at once for a camera's first refused frame, then
 * at most once a minute per camera and reason with the number refused since, so that a refused
 * camera is visible in the log without flooding it.
 */
final class PolicyRefusals {

  private static final Logger LOG = LoggerFactory.getLogger(PolicyRefusals.class);
  static final long LOG_INTERVAL_MS = 60_000;

  private final FrameStats stats;
  private final LongSupplier clock;
  private final Map<String, long[]> pending = new ConcurrentHashMap<>();

  PolicyRefusals(FrameStats stats, LongSupplier clock) {
    this.stats = stats;
    this.clock = clock;
  }

  void refuse(String camera, Refusal reason, CameraPolicies policies) {
    stats.recordRefused(camera, reason);
    long now = clock.getAsLong();
    long[] state = pending.computeIfAbsent(camera + '\n' + reason.code(), k -> new long[] {Long.MIN_VALUE, 0});
    synchronized (state) {
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
}
