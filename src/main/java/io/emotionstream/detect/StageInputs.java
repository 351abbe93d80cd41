package io.emotionstream.detect;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.FloatBuffer;
import java.util.List;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.opencv.global.opencv_dnn;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Turns BGR pixels into the networks' input tensors: RGB, {@code (p - 127.5) / 128}, NCHW.
 * OpenCV's {@code blobFromImage(s)} does the colour swap, normalisation and layout change in one
 * native pass.
 */
final class StageInputs {

  private static final double SCALE = 1.0 / 128;
  private static final Scalar MEAN = new Scalar(127.5, 127.5, 127.5, 0);

  private StageInputs() {}

  /** One image as a (1, 3, h, w) tensor. */
  static NDArray tensor(NDManager manager, Mat bgr) {
    try (Mat blob = opencv_dnn.blobFromImage(bgr, SCALE, new Size(), MEAN, true, false, CV_32F)) {
      return fromBlob(manager, blob, new Shape(1, 3, bgr.rows(), bgr.cols()));
    }
  }

  /**
   * Square crops of {@code boxes} resized to {@code side}, as one (n, 3, side, side) tensor. The
   * crop covers pixels {@code [trunc(x1) - 1, trunc(x2))} like the reference; parts outside the
   * image are black (zero-padded), as in the original implementation.
   */
  static NDArray crops(NDManager manager, Mat bgr, List<Candidate> boxes, int side) {
    try (MatVector images = new MatVector(boxes.size())) {
      Mat[] owned = new Mat[boxes.size()];
      try {
        for (int i = 0; i < boxes.size(); i++) {
          owned[i] = crop(bgr, boxes.get(i), side);
          images.put(i, owned[i]);
        }
        try (Mat blob = opencv_dnn.blobFromImages(images, SCALE, new Size(), MEAN, true, false, CV_32F)) {
          return fromBlob(manager, blob, new Shape(boxes.size(), 3, side, side));
        }
      } finally {
        for (Mat m : owned) {
          if (m != null) {
            m.close();
          }
        }
      }
    }
  }

  /** The crop of one box, resized to side x side. */
  static Mat crop(Mat bgr, Candidate c, int side) {
    int x0 = (int) c.x1 - 1;
    int y0 = (int) c.y1 - 1;
    int x1 = (int) c.x2;
    int y1 = (int) c.y2;
    int w = Math.max(1, x1 - x0);
    int h = Math.max(1, y1 - y0);
    Mat out = new Mat();
    int ix0 = Math.max(0, x0);
    int iy0 = Math.max(0, y0);
    int ix1 = Math.min(bgr.cols(), x1);
    int iy1 = Math.min(bgr.rows(), y1);
    if (ix0 == x0 && iy0 == y0 && ix1 == x1 && iy1 == y1) {
      try (Rect r = new Rect(x0, y0, w, h); Mat roi = new Mat(bgr, r); Size s = new Size(side, side)) {
        resize(roi, out, s, 0, 0, INTER_AREA);
      }
      return out;
    }
    try (Mat padded = new Mat(h, w, bgr.type(), Scalar.all(0)); Size s = new Size(side, side)) {
      if (ix1 > ix0 && iy1 > iy0) {
        try (Rect src = new Rect(ix0, iy0, ix1 - ix0, iy1 - iy0);
            Rect dst = new Rect(ix0 - x0, iy0 - y0, ix1 - ix0, iy1 - iy0);
            Mat from = new Mat(bgr, src);
            Mat to = new Mat(padded, dst)) {
          from.copyTo(to);
        }
      }
      resize(padded, out, s, 0, 0, INTER_AREA);
    }
    return out;
  }

  private static NDArray fromBlob(NDManager manager, Mat blob, Shape shape) {
    long n = shape.size();
    if (blob.total() != n) {
      throw new IllegalStateException("blob holds " + blob.total() + " values, expected " + shape);
    }
    FloatBuffer data = new FloatPointer(blob.data()).capacity(n).asBuffer();
    return manager.create(data, shape);
  }
}
