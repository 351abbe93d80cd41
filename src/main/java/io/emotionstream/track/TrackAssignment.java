package io.emotionstream.track;

/**
 * The track one face of a frame belongs to.
 *
 * @param trackId the track's random id (also given while the track is still tentative)
 * @param confirmed whether the track has been seen in enough frames to count as a person
 * @param smoothedLabel the label of the highest smoothed score
 * @param smoothedScores the track's emotion scores smoothed over time, in label order
 */
public record TrackAssignment(String trackId, boolean confirmed, String smoothedLabel, float[] smoothedScores) {

  public TrackAssignment {
    smoothedScores = smoothedScores.clone();
  }

  @Override
  public float[] smoothedScores() {
    return smoothedScores.clone();
  }
}
