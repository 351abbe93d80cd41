package io.emotionstream.detect;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Cuts the R-Net/O-Net inputs out of a frame: for each box a square region resampled to
 * {@code side x side} by area averaging (what the reference does), zero outside the image,
 * written straight into the normalised RGB NCHW batch.
 *
 * <p>Written in Java rather than with one OpenCV {@code resize} per box: a frame can have a few
 * hundred R-Net candidates, and the per-crop native objects (ROI headers, padded copies, resized
 * Mats, then a blob) cost more than the arithmetic. The frame's pixels are copied into a Java array
 * once per frame.
 */
final class CropSampler {

  private final byte[] pixels;
  private final int width;
  private final int height;

  /** Copies the pixels of an 8-bit BGR image. */
  CropSampler(Mat bgr) {
    this.width = bgr.cols();
    this.height = bgr.rows();
    this.pixels = new byte[width * height * 3];
    if (bgr.isContinuous()) {
      BytePointer data = bgr.data();
      data.get(pixels);
    } else {
      for (int y = 0; y < height; y++) {
        bgr.ptr(y).get(pixels, y * width * 3, width * 3);
      }
    }
  }

  /**
   * The crops of {@code boxes} as a batch in (n, side, side, 3) order, RGB, {@code (p - 127.5) / 128}.
   * Each crop covers pixels {@code [trunc(x1) - 1, trunc(x2))} x {@code [trunc(y1) - 1, trunc(y2))}.
   */
  float[] batch(java.util.List<Candidate> boxes, int side) {
    int plane = side * side;
    float[] out = new float[boxes.size() * 3 * plane];  // interleaved RGB per pixel
    for (int b = 0; b < boxes.size(); b++) {
      Candidate c = boxes.get(b);
      int x0 = (int) c.x1 - 1;
      int y0 = (int) c.y1 - 1;
      int cw = Math.max(1, (int) c.x2 - x0);
      int ch = Math.max(1, (int) c.y2 - y0);
      sample(x0, y0, cw, ch, side, out, b * 3 * plane);
    }
    return out;
  }

  /** Area-resamples region (x0, y0, cw, ch) to side x side into {@code out} at {@code offset}. */
  void sample(int x0, int y0, int cw, int ch, int side, float[] out, int offset) {
    Taps tx = Taps.of(cw, side);
    Taps ty = Taps.of(ch, side);
    // horizontal pass over every source row of the region: rows x side x 3 (B, G, R)
    float[] rows = new float[ch * side * 3];
    for (int r = 0; r < ch; r++) {
      int y = y0 + r;
      if (y < 0 || y >= height) {
        continue;
      }
      int rowBase = y * width * 3;
      int dst = r * side * 3;
      for (int j = 0; j < side; j++) {
        float sb = 0, sg = 0, sr = 0;
        for (int t = tx.start[j]; t < tx.start[j + 1]; t++) {
          int x = x0 + tx.index[t];
          if (x < 0 || x >= width) {
            continue;
          }
          int p = rowBase + x * 3;
          float w = tx.weight[t];
          sb += w * (pixels[p] & 0xFF);
          sg += w * (pixels[p + 1] & 0xFF);
          sr += w * (pixels[p + 2] & 0xFF);
        }
        rows[dst + j * 3] = sb;
        rows[dst + j * 3 + 1] = sg;
        rows[dst + j * 3 + 2] = sr;
      }
    }
    // vertical pass, normalise, interleaved RGB
    for (int i = 0; i < side; i++) {
      for (int j = 0; j < side; j++) {
        float sb = 0, sg = 0, sr = 0;
        for (int t = ty.start[i]; t < ty.start[i + 1]; t++) {
          int src = ty.index[t] * side * 3 + j * 3;
          float w = ty.weight[t];
          sb += w * rows[src];
          sg += w * rows[src + 1];
          sr += w * rows[src + 2];
        }
        int o = offset + (i * side + j) * 3;
        out[o] = (sr - 127.5f) * (1f / 128);
        out[o + 1] = (sg - 127.5f) * (1f / 128);
        out[o + 2] = (sb - 127.5f) * (1f / 128);
      }
    }
  }

  /**
   * For each output cell of a 1-d resampling from {@code n} to {@code m}, the source cells it
   * overlaps and the fraction of the output cell each covers (weights of a cell sum to 1).
   */
  static final class Taps {
    final int[] start;
    final int[] index;
    final float[] weight;

    private Taps(int[] start, int[] index, float[] weight) {
      this.start = start;
      this.index = index;
      this.weight = weight;
    }

    static Taps of(int n, int m) {
      double scale = (double) n / m;
      int[] start = new int[m + 1];
      int capacity = m * ((int) Math.ceil(scale) + 2);
      int[] index = new int[capacity];
      float[] weight = new float[capacity];
      int k = 0;
      for (int j = 0; j < m; j++) {
        start[j] = k;
        double from = j * scale;
        double to = (j + 1) * scale;
        for (int s = (int) Math.floor(from); s < to && s < n; s++) {
          double overlap = Math.min(to, s + 1) - Math.max(from, s);
          if (overlap > 1e-9) {
            index[k] = s;
            weight[k] = (float) (overlap / scale);
            k++;
          }
        }
      }
      start[m] = k;
      return new Taps(start, index, weight);
    }
  }
}
