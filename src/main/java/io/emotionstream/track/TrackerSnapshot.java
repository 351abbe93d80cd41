package io.emotionstream.track;

import java.util.List;

/**
 * The whole state of one camera's tracker, as plain values, for a state store: restoring it gives a
 * tracker that continues the same tracks.
 *
 * @param lastFrameMs capture time of the last frame seen (-1 before the first)
 * @param tracks the live tracks
 */
public record TrackerSnapshot(long lastFrameMs, List<TrackState> tracks) {

  public TrackerSnapshot {
    tracks = List.copyOf(tracks);
  }

  /**
   * One live track.
   *
   * @param id random id
   * @param firstSeenMs capture time of its first frame
   * @param lastSeenMs capture time of its latest frame
   * @param frames frames it was seen in
   * @param confirmed confirmed or still tentative
   * @param motion the motion filter's state (see {@code MotionFilter})
   * @param smoothed smoothed scores, label order
   * @param scoreSums sum of every label's score over its frames
   * @param timeline label changes so far
   */
  public record TrackState(
      String id,
      long firstSeenMs,
      long lastSeenMs,
      int frames,
      boolean confirmed,
      double[] motion,
      float[] smoothed,
      double[] scoreSums,
      List<TrackSummary.LabelChange> timeline) {

    public TrackState {
      motion = motion.clone();
      smoothed = smoothed.clone();
      scoreSums = scoreSums.clone();
      timeline = List.copyOf(timeline);
    }
  }
}
