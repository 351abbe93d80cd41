package io.emotionstream.frame;

/**
 * How a face is cut from a frame for a classifier: the output size and the framing. The classifier
 * declares it (from its model's metadata), so that camera crops are framed like the faces the model
 * was trained on.
 *
 * @param width output width in pixels
 * @param height output height in pixels
 * @param framing {@link Framing#ALIGNED}: similarity transform from the five landmarks, eyes level;
 *     {@link Framing#SQUARE}: square around the detection box, no rotation
 * @param margin extra border as a fraction of the face size (0.0 = tight box)
 */
public record CropSpec(int width, int height, Framing framing, double margin) {

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
  }
}
