package io.emotionstream.frame;

import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.warpAffine;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.indexer.DoubleIndexer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Frames of a virtual camera moving over a photo, for benchmarks on moving scenes: a pan from one
 * side to the other (faces enter and leave the view) or a zoom into the centre and back out (faces
 * grow and shrink). Every frame differs from the one before by a small motion, as a real camera's
 * do, unlike a sequence of unrelated photos.
 */
public final class MovingScene {

  /** How the camera moves. */
  public enum Motion {
    /** Left to right across the photo, a window of 60% of its width. */
    PAN,
    /** Into the centre down to 45% of the photo and back out. */
    ZOOM
  }

  private MovingScene() {}

  /**
   * {@code frames} frames of {@code width x height} of {@code photo} (BGR) seen by a camera
   * moving as {@code motion} says, encoded by {@code encoder}.
   */
  public static List<EncodedImage> frames(Mat photo, Motion motion, int frames, int width, int height,
      ImageEncoder encoder) {
    if (frames < 2) {
      throw new IllegalArgumentException("a moving scene needs at least 2 frames, not " + frames);
    }
    List<EncodedImage> out = new ArrayList<>(frames);
    for (int i = 0; i < frames; i++) {
      double[] w = window(motion, photo.cols(), photo.rows(), width / (double) height, i, frames);
      double sx = width / w[2];
      double sy = height / w[3];
      try (Mat frame = new Mat(); Mat affine = new Mat(2, 3, opencv_core.CV_64F); Size size = new Size(width, height);
          Scalar grey = new Scalar(90, 90, 90, 0)) {
        DoubleIndexer a = affine.createIndexer();
        a.put(0, 0, sx).put(0, 1, 0).put(0, 2, -w[0] * sx).put(1, 0, 0).put(1, 1, sy).put(1, 2, -w[1] * sy);
        a.release();
        warpAffine(photo, frame, affine, size, INTER_AREA, opencv_core.BORDER_CONSTANT, grey);
        out.add(encoder.encode(frame, motion.name().toLowerCase() + "-" + i));
      }
    }
    return out;
  }

  /** The part of the photo (x, y, width, height) the camera sees in frame {@code i} of {@code n}. */
  static double[] window(Motion motion, int photoWidth, int photoHeight, double aspect, int i, int n) {
    double t = i / (double) (n - 1);
    if (motion == Motion.PAN) {
      double w = Math.min(photoWidth * 0.6, photoHeight * aspect);
      double h = w / aspect;
      return new double[] {(photoWidth - w) * t, (photoHeight - h) / 2, w, h};
    }
    double scale = 1 - 0.55 * Math.sin(Math.PI * t);
    double w = Math.min(photoWidth, photoHeight * aspect) * scale;
    double h = w / aspect;
    return new double[] {(photoWidth - w) / 2, (photoHeight - h) / 2, w, h};
  }
}
