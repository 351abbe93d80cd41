package io.emotionstream.detect;

/**
 * A box where a face is expected, in pixels of the image (it may extend past the border).
 *
 * @param x1 left edge
 * @param y1 top edge
 * @param x2 right edge
 * @param y2 bottom edge
 */
public record FaceRegion(float x1, float y1, float x2, float y2) {

  public FaceRegion {
    if (!(x2 > x1) || !(y2 > y1)) {
      throw new IllegalArgumentException("empty face region " + x1 + "," + y1 + " - " + x2 + "," + y2);
    }
  }
}
