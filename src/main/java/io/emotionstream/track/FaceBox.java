package io.emotionstream.track;

/**
 * A face box in pixels of its frame, corners {@code (x1, y1)} and {@code (x2, y2)}; it may extend
 * past the frame's border.
 */
public record FaceBox(double x1, double y1, double x2, double y2) {

  public FaceBox {
    if (!(x2 > x1) || !(y2 > y1)) {
      throw new IllegalArgumentException("empty face box " + x1 + "," + y1 + " - " + x2 + "," + y2);
    }
  }

  /** The box of the given centre and size. */
  public static FaceBox ofCentre(double cx, double cy, double width, double height) {
    return new FaceBox(cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2);
  }

  public double width() {
    return x2 - x1;
  }

  public double height() {
    return y2 - y1;
  }

  public double centreX() {
    return (x1 + x2) / 2;
  }

  public double centreY() {
    return (y1 + y2) / 2;
  }

  /** Intersection over union, 0 for disjoint boxes. */
  public double iou(FaceBox o) {
    double w = Math.min(x2, o.x2) - Math.max(x1, o.x1);
    double h = Math.min(y2, o.y2) - Math.max(y1, o.y1);
    if (w <= 0 || h <= 0) {
      return 0;
    }
    double inter = w * h;
    return inter / (width() * height() + o.width() * o.height() - inter);
  }

  /** Distance between the centres, in units of the mean side of the two boxes. */
  public double centreDistance(FaceBox o) {
    double side = (width() + height() + o.width() + o.height()) / 4;
    return Math.hypot(centreX() - o.centreX(), centreY() - o.centreY()) / side;
  }
}
