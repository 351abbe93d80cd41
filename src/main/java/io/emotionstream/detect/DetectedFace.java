package io.emotionstream.detect;

import java.util.Arrays;

/**
 * One face found in an image: a box in pixels of the original image (it may extend past the
 * border), the detector's confidence, and five landmarks.
 *
 * @param x1 left edge
 * @param y1 top edge
 * @param x2 right edge
 * @param y2 bottom edge
 * @param score detection probability in [0, 1]
 * @param landmarks ten numbers, x then y, for left eye, right eye, nose, left and right mouth corner
 */
public record DetectedFace(float x1, float y1, float x2, float y2, float score, float[] landmarks) {

  public static final int LANDMARKS = 5;

  public DetectedFace {
    if (landmarks == null || landmarks.length != 2 * LANDMARKS) {
      throw new IllegalArgumentException("landmarks must hold " + 2 * LANDMARKS + " numbers");
    }
    landmarks = landmarks.clone();
  }

  public float width() {
    return x2 - x1;
  }

  public float height() {
    return y2 - y1;
  }

  /** x of landmark {@code i} (0 = left eye ... 4 = right mouth corner). */
  public float landmarkX(int i) {
    return landmarks[2 * i];
  }

  /** y of landmark {@code i}. */
  public float landmarkY(int i) {
    return landmarks[2 * i + 1];
  }

  @Override
  public float[] landmarks() {
    return landmarks.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DetectedFace f
        && x1 == f.x1 && y1 == f.y1 && x2 == f.x2 && y2 == f.y2 && score == f.score
        && Arrays.equals(landmarks, f.landmarks);
  }

  @Override
  public int hashCode() {
    return 31 * java.util.Objects.hash(x1, y1, x2, y2, score) + Arrays.hashCode(landmarks);
  }

  @Override
  public String toString() {
    return String.format("DetectedFace[%.1f,%.1f,%.1f,%.1f score=%.4f]", x1, y1, x2, y2, score);
  }
}
