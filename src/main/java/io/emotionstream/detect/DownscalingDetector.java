package io.emotionstream.detect;

import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Bounds the work and memory of detection whatever the frame's size: a frame whose longer side
 * exceeds {@code maxSide} is detected on a copy scaled down (area averaging) to that side, and the
 * boxes and landmarks are mapped back to the frame's own pixels, so faces are still cropped from
 * the full-resolution frame.
 *
 * <p>Why: MTCNN's pyramid starts at 12 / min-face of the frame's size, so its cost grows with the
 * frame's area. An 8K frame (7680x4320) took 18.6 s and raised resident memory from 1.1 to 4.4 GB
 * in detection on the development machine; scaled to 1920 it takes well under a second. The price
 * is that faces smaller than {@code detect.min-face x longer side / maxSide} pixels are not found
 * in frames larger than {@code maxSide} (80 px in an 8K frame with the defaults).
 */
public final class DownscalingDetector implements FaceDetector {

  private final FaceDetector delegate;
  private final int maxSide;

  /** @param maxSide longest side, in pixels, that {@code delegate} is given; at least 12 (P-Net's window) */
  public DownscalingDetector(FaceDetector delegate, int maxSide) {
    if (maxSide < 12) {
      throw new IllegalArgumentException("detect.max-side must be at least 12 pixels: " + maxSide);
    }
    this.delegate = delegate;
    this.maxSide = maxSide;
  }

  public int maxSide() {
    return maxSide;
  }

  @Override
  public List<DetectedFace> detect(Mat bgr) {
    return onCopy(bgr, List.of(), (image, regions) -> delegate.detect(image));
  }

  /** The tracked search on the same scaled copy: the expected boxes are scaled with the image. */
  @Override
  public List<DetectedFace> detectAround(Mat bgr, List<FaceRegion> expected) {
    return onCopy(bgr, expected, delegate::detectAround);
  }

  /** Runs {@code search} on {@code bgr}, or on a copy scaled to the largest side, faces in full-size pixels. */
  private List<DetectedFace> onCopy(Mat bgr, List<FaceRegion> expected,
      BiFunction<Mat, List<FaceRegion>, List<DetectedFace>> search) {
    int longer = Math.max(bgr.cols(), bgr.rows());
    if (longer <= maxSide) {
      return search.apply(bgr, expected);
    }
    double scale = (double) maxSide / longer;
    int w = Math.max(1, (int) Math.round(bgr.cols() * scale));
    int h = Math.max(1, (int) Math.round(bgr.rows() * scale));
    // exact factors per axis: the rounded copy size is not exactly scale x the original
    float sx = (float) bgr.cols() / w;
    float sy = (float) bgr.rows() / h;
    List<FaceRegion> scaled = new ArrayList<>(expected.size());
    for (FaceRegion r : expected) {
      scaled.add(new FaceRegion(r.x1() / sx, r.y1() / sy, r.x2() / sx, r.y2() / sy));
    }
    List<DetectedFace> small;
    try (Mat copy = new Mat(); Size size = new Size(w, h)) {
      resize(bgr, copy, size, 0, 0, INTER_AREA);
      small = search.apply(copy, scaled);
    }
    List<DetectedFace> out = new ArrayList<>(small.size());
    for (DetectedFace f : small) {
      float[] lm = f.landmarks();
      for (int i = 0; i < DetectedFace.LANDMARKS; i++) {
        lm[2 * i] *= sx;
        lm[2 * i + 1] *= sy;
      }
      out.add(new DetectedFace(f.x1() * sx, f.y1() * sy, f.x2() * sx, f.y2() * sy, f.score(), lm));
    }
    return out;
  }

  @Override
  public void close() {
    delegate.close();
  }
}
