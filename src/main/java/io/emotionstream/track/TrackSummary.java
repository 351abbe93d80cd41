package io.emotionstream.track;

import java.util.List;

/**
 * What one ended track says about the face it followed.
 *
 * @param trackId the track's random id
 * @param firstSeenMs capture time of its first frame
 * @param lastSeenMs capture time of its last frame
 * @param frames frames the face was detected in
 * @param dominant the label of the highest mean score
 * @param meanScores mean score of every label over the track's frames, in label order
 * @param timeline where the smoothed label changed: the first entry at the track's start
 */
public record TrackSummary(
    String trackId,
    long firstSeenMs,
    long lastSeenMs,
    int frames,
    String dominant,
    float[] meanScores,
    List<LabelChange> timeline) {

  public TrackSummary {
    meanScores = meanScores.clone();
    timeline = List.copyOf(timeline);
  }

  /** How long the face was in view, in milliseconds. */
  public long dwellMs() {
    return lastSeenMs - firstSeenMs;
  }

  @Override
  public float[] meanScores() {
    return meanScores.clone();
  }

  /**
   * The smoothed label became {@code label} at {@code atMs} (capture time).
   *
   * @param atMs capture time of the frame
   * @param label the smoothed label from that frame on
   */
  public record LabelChange(long atMs, String label) {}
}
