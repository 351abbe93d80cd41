package io.emotionstream.frame;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * How a face is cut from a frame for a classifier: the output size and the framing. The classifier
 * declares it (from its model's metadata), so that camera crops are framed like the faces the model
 * was trained on.
 *
 * @param width output width in pixels
 * @param height output height in pixels
 * @param framing {@link Framing#ALIGNED}: similarity transform from the five landmarks, eyes level;
 *     {@link Framing#SQUARE}: square around the detection box, no rotation
 * @param margin extra border as a fraction of the face size (0.0 = tight box); with
 *     {@link Framing#ALIGNED} the landmark positions are shrunk towards the centre by
 *     {@code 1 / (1 + margin)}
 * @param landmarks {@link Framing#ALIGNED} only: where the crop puts the five landmarks (left eye,
 *     right eye, nose, left and right mouth corner), ten numbers x, y as fractions of the crop width
 *     and height, typically measured on the model's training faces; null for the built-in template
 *     ({@link FaceCropper})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CropSpec(int width, int height, Framing framing, double margin, List<Double> landmarks) {

  /** How the face is placed in the crop. */
  public enum Framing { ALIGNED, SQUARE }

  public CropSpec {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("crop size must be positive: " + width + "x" + height);
    }
    if (margin < 0 || margin > 2) {
      throw new IllegalArgumentException("crop margin must be within [0, 2]: " + margin);
    }
    if (framing == null) {
      throw new IllegalArgumentException("crop framing is required");
    }
    if (landmarks != null) {
      if (framing != Framing.ALIGNED) {
        throw new IllegalArgumentException("crop landmarks need ALIGNED framing, not " + framing);
      }
      if (landmarks.size() != 10) {
        throw new IllegalArgumentException("crop landmarks must be 10 numbers (5 points x, y), got "
            + landmarks.size());
      }
      for (Double v : landmarks) {
        if (v == null || !(v >= -0.5 && v <= 1.5)) {
          throw new IllegalArgumentException("crop landmark " + v + " is not a fraction of the crop side");
        }
      }
      if (landmarks.get(0) >= landmarks.get(2)) {
        throw new IllegalArgumentException("crop landmarks: the left eye (x " + landmarks.get(0)
            + ") must lie left of the right eye (x " + landmarks.get(2) + ")");
      }
      landmarks = List.copyOf(landmarks);
    }
  }

  /** A crop with the built-in landmark template (or none, for {@link Framing#SQUARE}). */
  public CropSpec(int width, int height, Framing framing, double margin) {
    this(width, height, framing, margin, null);
  }

  /** An {@link Framing#ALIGNED} crop that puts the five landmarks at {@code landmarks}, no margin. */
  public static CropSpec alignedTo(int width, int height, double[] landmarks) {
    Double[] boxed = new Double[landmarks.length];
    for (int i = 0; i < landmarks.length; i++) {
      boxed[i] = landmarks[i];
    }
    return new CropSpec(width, height, Framing.ALIGNED, 0.0, List.of(boxed));
  }

  /** A short description for logs and pictures, e.g. {@code ALIGNED (measured landmarks), margin 0.0}. */
  public String describe() {
    return framing + (landmarks != null ? " (measured landmarks)" : "") + ", margin " + margin;
  }
}
