package io.emotionstream.detect;

import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Cuts the network inputs out of a frame: the P-Net pyramid levels (the whole frame) and, for
 * each R-Net/O-Net box, a region resampled to {@code side x side}, all by exact area averaging
 * (OpenCV's {@code INTER_AREA}; the reference's area interpolation differs only in how it treats
 * fractional cell borders), zero outside the image, written straight into normalised, interleaved
 * RGB values.
 *
 * <p>Written in Java over a summed-area table rather than with one OpenCV {@code resize} per box:
 * a frame can have a few hundred R-Net candidates, many of them large, and per-crop native objects
 * plus per-pixel averaging cost far more than reading each output cell's sum from the table (the
 * table is bilinear inside each pixel, so fractional cell borders stay exact). The same holds for
 * the pyramid levels, where OpenCV's area resize at fractional scales is slow. The table is built
 * once per frame and reused between frames by the same thread; other threads may read it (the
 * detector's workers do) while that thread waits for them.
 */
final class CropSampler {

  private static final ThreadLocal<int[]> TABLE = new ThreadLocal<>();

  private final int width;
  private final int height;
  /** Pixels of the frame per pixel of the table's image (1, or 2 for very large frames). */
  private final int step;
  /**
   * Sum of pixels over [0, x) x [0, y) per channel (B, G, R), at (y * (width + 1) + x) * 3 + c.
   * Integers are exact and half the size of doubles (the table is read at scattered places, so
   * its size decides the cache misses).
   */
  private final int[] table;

  /** Builds the summed-area table of an 8-bit BGR image. */
  CropSampler(Mat bgr) {
    // sums must fit an int: 255 * pixels < 2^31, i.e. up to about 8.4 megapixels; larger frames
    // are sampled from a copy halved by area averaging, which changes the crops imperceptibly
    if ((long) bgr.cols() * bgr.rows() * 255 < Integer.MAX_VALUE) {
      this.step = 1;
      this.width = bgr.cols();
      this.height = bgr.rows();
      this.table = build(bgr);
    } else {
      this.step = 2;
      try (Mat half = new Mat(); Size size = new Size((bgr.cols() + 1) / 2, (bgr.rows() + 1) / 2)) {
        resize(bgr, half, size, 0, 0, INTER_AREA);
        this.width = half.cols();
        this.height = half.rows();
        this.table = build(half);
      }
    }
  }

  private static int[] build(Mat bgr) {
    int width = bgr.cols();
    int height = bgr.rows();
    int stride = (width + 1) * 3;
    int size = (height + 1) * stride;
    int[] t = TABLE.get();
    if (t == null || t.length < size) {
      t = new int[size];
      TABLE.set(t);
    }
    java.util.Arrays.fill(t, 0, stride, 0);
    byte[] row = new byte[width * 3];
    for (int y = 0; y < height; y++) {
      BytePointer p = bgr.ptr(y);
      p.get(row, 0, row.length);
      int here = (y + 1) * stride;
      t[here] = 0;
      t[here + 1] = 0;
      t[here + 2] = 0;
      int b = 0, g = 0, r = 0;
      for (int x = 0; x < width; x++) {
        b += row[3 * x] & 0xFF;
        g += row[3 * x + 1] & 0xFF;
        r += row[3 * x + 2] & 0xFF;
        int o = here + 3 * (x + 1);
        t[o] = t[o - stride] + b;
        t[o + 1] = t[o + 1 - stride] + g;
        t[o + 2] = t[o + 2 - stride] + r;
      }
    }
    return t;
  }

  /**
   * The crops of {@code boxes} as a batch in (n, side, side, 3) order, RGB, {@code (p - 127.5) / 128}.
   * Each crop covers pixels {@code [trunc(x1) - 1, trunc(x2))} x {@code [trunc(y1) - 1, trunc(y2))},
   * as the reference's.
   */
  float[] batch(List<Candidate> boxes, int side) {
    float[] out = new float[boxes.size() * side * side * 3];
    for (int b = 0; b < boxes.size(); b++) {
      Candidate c = boxes.get(b);
      int x0 = (int) c.x1 - 1;
      int y0 = (int) c.y1 - 1;
      int cw = Math.max(1, (int) c.x2 - x0);
      int ch = Math.max(1, (int) c.y2 - y0);
      sample(x0, y0, cw, ch, side, side, out, b * side * side * 3);
    }
    return out;
  }

  /**
   * The whole frame resampled to {@code w x h} (a P-Net pyramid level) in (h, w, 3) order, in the
   * same values as {@link #batch}. Safe to call from several threads at once.
   */
  float[] resized(int w, int h) {
    float[] out = new float[w * h * 3];
    sample(0, 0, width * step, height * step, w, h, out, 0);
    return out;
  }

  /**
   * Area-averages the region of {@code cw x ch} frame pixels at (x0, y0) into {@code outW x outH}
   * cells written at {@code offset}: each cell's sum is the table read at its four (fractional)
   * corners, a row of corners at a time.
   */
  private void sample(int x0, int y0, int cw, int ch, int outW, int outH, float[] out, int offset) {
    double[] xs = new double[outW + 1];
    for (int j = 0; j <= outW; j++) {
      xs[j] = clamp((x0 + (double) cw * j / outW) / step, width);
    }
    double[] above = new double[(outW + 1) * 3];
    double[] below = new double[(outW + 1) * 3];
    corners(clamp((double) y0 / step, height), xs, above);
    double cellArea = (double) cw * ch / ((double) outW * outH * step * step);
    float norm = (float) (1 / (128 * cellArea));
    for (int i = 0; i < outH; i++) {
      corners(clamp((y0 + (double) ch * (i + 1) / outH) / step, height), xs, below);
      for (int j = 0; j < outW; j++) {
        int g = j * 3;
        int o = offset + (i * outW + j) * 3;
        // table channels are B, G, R; the networks take R, G, B
        for (int k = 0; k < 3; k++) {
          double sum = below[g + 3 + k] - above[g + 3 + k] - below[g + k] + above[g + k];
          out[o + 2 - k] = (float) (sum * norm - 127.5 / 128);
        }
      }
      double[] t = above;
      above = below;
      below = t;
    }
  }

  /** The table at row {@code y} and each column of {@code xs} (bilinear between entries). */
  private void corners(double y, double[] xs, double[] row) {
    int stride = (width + 1) * 3;
    int yi = Math.min((int) y, height - 1);
    double fy = y - yi;
    int rowA = yi * stride;
    int rowB = rowA + stride;
    for (int j = 0; j < xs.length; j++) {
      double x = xs[j];
      int xi = Math.min((int) x, width - 1);
      double fx = x - xi;
      int a = rowA + 3 * xi;
      int b = rowB + 3 * xi;
      for (int k = 0; k < 3; k++) {
        double top = table[a + k] + fx * (table[a + 3 + k] - table[a + k]);
        double bottom = table[b + k] + fx * (table[b + 3 + k] - table[b + k]);
        row[j * 3 + k] = top + fy * (bottom - top);
      }
    }
  }

  private static double clamp(double v, int max) {
    return v < 0 ? 0 : Math.min(v, max);
  }
}
