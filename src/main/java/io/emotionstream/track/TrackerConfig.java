package io.emotionstream.track;

import java.time.Duration;
import java.util.List;

/**
 * How a {@link CameraTracker} associates, starts, ends and smooths tracks.
 *
 * @param labels the emotion labels, in the order of every observation's scores
 * @param minOverlap the least box overlap (IoU) of a detection with a track's predicted box that
 *     counts as the same face on its own
 * @param maxCentreDistance where the boxes overlap less: the farthest the centres may lie apart, in
 *     face sizes, for boxes of similar size (fast motion, low frame rates, shed frames)
 * @param confirmFrames frames a new track must be seen in before it is confirmed; a track that
 *     misses a frame before that is dropped without a summary (hysteresis against false detections)
 * @param maxGap how long a confirmed track survives unseen (occlusion, missed detections, shed
 *     frames) before it ends
 * @param smoothing time constant of the exponential smoothing of a track's emotion scores
 * @param timelineLimit the most label changes kept in a track's timeline
 */
public record TrackerConfig(
    List<String> labels,
    double minOverlap,
    double maxCentreDistance,
    int confirmFrames,
    Duration maxGap,
    Duration smoothing,
    int timelineLimit) {

  public TrackerConfig {
    labels = List.copyOf(labels);
    if (labels.isEmpty()) {
      throw new IllegalArgumentException("a tracker needs the emotion labels");
    }
    if (!(minOverlap > 0 && minOverlap < 1)) {
      throw new IllegalArgumentException("minOverlap must lie in (0, 1), got " + minOverlap);
    }
    if (confirmFrames < 1 || timelineLimit < 1 || maxGap.isNegative() || smoothing.isNegative()) {
      throw new IllegalArgumentException("confirmFrames and timelineLimit must be >= 1, durations >= 0");
    }
  }

  /** The defaults for the given labels: IoU 0.3, centres within 0.6 face sizes, 2 frames, 2 s, 1.5 s. */
  public static TrackerConfig defaults(List<String> labels) {
    return new TrackerConfig(labels, 0.3, 0.6, 2, Duration.ofSeconds(2), Duration.ofMillis(1500), 64);
  }
}
