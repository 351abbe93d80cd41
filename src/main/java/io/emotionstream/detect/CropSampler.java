package io.emotionstream.detect;

import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Cuts the network inputs out of a frame: the P-Net pyramid levels (the whole frame) and, for
 * each R-Net/O-Net box, a region resampled to {@code side x side}, all by the reference's area
 * averaging (PyTorch's adaptive average pooling, see {@link #sample}), written straight into
 * normalised, interleaved RGB values.
 *
 * <p>A box that crosses the image border is cut to its part inside the image, and that part is
 * stretched to the whole crop, as the reference's {@code pad()} does (it clamps the box's corners
 * to the image and resamples what remains; nothing outside is filled with zeros). The box itself
 * keeps its extent past the border. Zero fill instead found only 16 of the reference's 63 faces
 * on 75 images whose border cuts the face (IoU >= 0.8) and reported a dozen confident boxes the
 * reference does not.
 *
 * <p>Written in Java over a summed-area table rather than with one OpenCV {@code resize} per box:
 * a frame can have a few hundred R-Net candidates, many of them large, and per-crop native objects
 * plus per-pixel averaging cost far more than reading each output cell's sum from the table (the
 * table is read bilinearly, which only matters for frames sampled at half resolution). The same
 * holds for the pyramid levels, where OpenCV's area resize at fractional scales is slow. The table
 * is built once per frame and reused between frames by the same thread; other threads may read it
 * (the detector's workers do) while that thread waits for them.
 */
final class CropSampler {

  private static final ThreadLocal<int[]> TABLE = new ThreadLocal<>();

  private final int width;
  private final int height;
  /** The frame's size (the table's times {@link #step}, up to the rounding of a halved frame). */
  private final int frameWidth;
  private final int frameHeight;
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
    this.frameWidth = bgr.cols();
    this.frameHeight = bgr.rows();
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
   * as the reference's, cut to the image: {@code trunc(x1)} and {@code trunc(y1)} at least 1,
   * {@code trunc(x2)} and {@code trunc(y2)} at most the width and height. The boxes themselves are
   * not changed. A box wholly outside the image (which the reference cannot crop at all) gets the
   * image's nearest row or column of pixels.
   */
  float[] batch(List<Candidate> boxes, int side) {
    float[] out = new float[boxes.size() * side * side * 3];
    batch(boxes, side, out);
    return out;
  }

  /** {@link #batch(List, int)} written into the start of {@code out}. */
  void batch(List<Candidate> boxes, int side, float[] out) {
    for (int b = 0; b < boxes.size(); b++) {
      Candidate c = boxes.get(b);
      int x0 = Math.min(Math.max((int) c.x1, 1), frameWidth) - 1;
      int y0 = Math.min(Math.max((int) c.y1, 1), frameHeight) - 1;
      int cw = Math.max(1, Math.min((int) c.x2, frameWidth) - x0);
      int ch = Math.max(1, Math.min((int) c.y2, frameHeight) - y0);
      sample(x0, y0, cw, ch, side, side, out, b * side * side * 3);
    }
  }

  /**
   * The whole frame resampled to {@code w x h} (a P-Net pyramid level) in (h, w, 3) order, in the
   * same values as {@link #batch}. Safe to call from several threads at once.
   */
  float[] resized(int w, int h) {
    float[] out = new float[w * h * 3];
    resized(w, h, out);
    return out;
  }

  /** {@link #resized(int, int)} written into the start of {@code out}. */
  void resized(int w, int h, float[] out) {
    sample(0, 0, frameWidth, frameHeight, w, h, out, 0);
  }

  /**
   * Averages the region of {@code cw x ch} frame pixels at (x0, y0) into {@code outW x outH} cells
   * written at {@code offset}, with the bins of PyTorch's adaptive average pooling (what the
   * reference's {@code interpolate(mode="area")} is): cell j covers the whole pixels
   * {@code [floor(j * cw / outW), ceil((j + 1) * cw / outW))}, so neighbouring cells share a pixel
   * when the ratio is not an integer, and a region smaller than the output is repeated, not
   * interpolated. Each cell's sum is the table read at its four corners. Exact area weights
   * (OpenCV's INTER_AREA) instead moved the boxes of faces in 48x48 and 96x96 images by several
   * pixels, where each output cell spans only one or two pixels; on the full-size reference
   * photos the bins made the worst IoU 0.999 instead of 0.945.
   */
  private void sample(int x0, int y0, int cw, int ch, int outW, int outH, float[] out, int offset) {
    if (step == 1) {
      sampleWholePixels(x0, y0, cw, ch, outW, outH, out, offset);
      return;
    }
    // table columns of each cell's left and right edge, interleaved
    double[] xs = new double[2 * outW];
    int[] binWidth = new int[outW];
    for (int j = 0; j < outW; j++) {
      int from = binStart(j, cw, outW);
      int to = binEnd(j, cw, outW);
      xs[2 * j] = clamp((double) (x0 + from) / step, width);
      xs[2 * j + 1] = clamp((double) (x0 + to) / step, width);
      binWidth[j] = to - from;
    }
    double[] above = new double[2 * outW * 3];
    double[] below = new double[2 * outW * 3];
    int belowRow = -1;
    for (int i = 0; i < outH; i++) {
      int from = binStart(i, ch, outH);
      int to = binEnd(i, ch, outH);
      if (from == belowRow) {
        // this cell row starts where the last one ended: reuse those corners
        double[] t = above;
        above = below;
        below = t;
      } else {
        corners(clamp((double) (y0 + from) / step, height), xs, above);
      }
      corners(clamp((double) (y0 + to) / step, height), xs, below);
      belowRow = to;
      // the table holds sums of table pixels; one of them is step x step frame pixels
      double rowNorm = (double) step * step / (128.0 * (to - from));
      for (int j = 0; j < outW; j++) {
        int g = 6 * j;
        float norm = (float) (rowNorm / binWidth[j]);
        int o = offset + (i * outW + j) * 3;
        // table channels are B, G, R; the networks take R, G, B
        for (int k = 0; k < 3; k++) {
          double sum = below[g + 3 + k] - above[g + 3 + k] - below[g + k] + above[g + k];
          out[o + 2 - k] = (float) (sum * norm - 127.5 / 128);
        }
      }
    }
  }

  /**
   * {@link #sample} on a full-resolution table, where every bin edge is a table entry: each cell's
   * sum is four integer reads at precomputed offsets (exact in int), with none of the bilinear
   * corner blending the halved table needs. Gives the same floats as the general path (the sum is
   * the same integer, scaled by the same double expression); measured about twice as fast on the
   * pyramid levels, which are most of the sampling work of a frame.
   */
  private void sampleWholePixels(int x0, int y0, int cw, int ch, int outW, int outH, float[] out, int offset) {
    int stride = (width + 1) * 3;
    int[] left = new int[outW];
    int[] right = new int[outW];
    double[] colNorm = new double[outW];
    for (int j = 0; j < outW; j++) {
      int from = binStart(j, cw, outW);
      int to = binEnd(j, cw, outW);
      left[j] = 3 * Math.min(Math.max(x0 + from, 0), width);
      right[j] = 3 * Math.min(Math.max(x0 + to, 0), width);
      colNorm[j] = to - from;
    }
    final double shift = 127.5 / 128;
    int[] t = table;
    for (int i = 0; i < outH; i++) {
      int from = binStart(i, ch, outH);
      int to = binEnd(i, ch, outH);
      int top = Math.min(Math.max(y0 + from, 0), height) * stride;
      int bottom = Math.min(Math.max(y0 + to, 0), height) * stride;
      double rowNorm = 1.0 / (128.0 * (to - from));
      int o = offset + i * outW * 3;
      for (int j = 0; j < outW; j++, o += 3) {
        int a = top + left[j];
        int b = top + right[j];
        int c = bottom + left[j];
        int d = bottom + right[j];
        float norm = (float) (rowNorm / colNorm[j]);
        // table channels are B, G, R; the networks take R, G, B
        out[o + 2] = (float) ((double) (t[d] - t[b] - t[c] + t[a]) * norm - shift);
        out[o + 1] = (float) ((double) (t[d + 1] - t[b + 1] - t[c + 1] + t[a + 1]) * norm - shift);
        out[o] = (float) ((double) (t[d + 2] - t[b + 2] - t[c + 2] + t[a + 2]) * norm - shift);
      }
    }
  }

  private static int binStart(int cell, int in, int out) {
    return (int) ((long) cell * in / out);
  }

  private static int binEnd(int cell, int in, int out) {
    return (int) (((long) (cell + 1) * in + out - 1) / out);
  }

  /** The halved table at row {@code y} and each column of {@code xs} (bilinear between entries). */
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
