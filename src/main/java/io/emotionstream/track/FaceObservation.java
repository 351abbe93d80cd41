package io.emotionstream.track;

/**
 * One face of one frame as the tracker sees it.
 *
 * @param box where the face is
 * @param scores the classifier's probability of every label, in the tracker's label order
 */
public record FaceObservation(FaceBox box, float[] scores) {

  public FaceObservation {
    scores = scores.clone();
  }

  @Override
  public float[] scores() {
    return scores.clone();
  }
}
