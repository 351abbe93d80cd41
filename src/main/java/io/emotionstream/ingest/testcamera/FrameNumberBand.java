package io.emotionstream.ingest.testcamera;

import static org.bytedeco.opencv.global.opencv_core.mean;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * A frame's number drawn into the frame: 16 blocks across the bottom eighth of the picture, white
 * for 1 and black for 0, the highest bit on the left. Large blocks survive JPEG and H.264
 * compression, so whoever receives a frame can tell which one it is.
 * {@code scripts/test-camera-rtsp.py} draws the same band.
 */
public final class FrameNumberBand {

  /** Bits drawn: numbers wrap at 65,536. */
  public static final int BITS = 16;

  private FrameNumberBand() {}

  /** Draws {@code number} (modulo 2^16) into a BGR image, in place. */
  public static void draw(Mat bgr, long number) {
    int block = bgr.cols() / BITS;
    int top = bgr.rows() - bgr.rows() / 8;
    for (int i = 0; i < BITS; i++) {
      boolean one = ((number >> (BITS - 1 - i)) & 1) == 1;
      try (Rect r = new Rect(i * block, top, block, bgr.rows() - top); Mat area = bgr.apply(r);
          Scalar colour = one ? new Scalar(255, 255, 255, 0) : new Scalar(0, 0, 0, 0)) {
        area.put(colour);
      }
    }
  }

  /** The number drawn into a BGR image, or -1 when a block is neither clearly black nor white. */
  public static long read(Mat bgr) {
    int block = bgr.cols() / BITS;
    int top = bgr.rows() - bgr.rows() / 8;
    int height = bgr.rows() - top;
    long number = 0;
    for (int i = 0; i < BITS; i++) {
      // the middle half of the block: away from edges blurred by compression
      try (Rect r = new Rect(i * block + block / 4, top + height / 4, Math.max(1, block / 2), Math.max(1, height / 2));
          Mat area = bgr.apply(r); Scalar m = mean(area)) {
        double v = (m.get(0) + m.get(1) + m.get(2)) / 3;
        if (v > 80 && v < 175) {
          return -1;
        }
        number = (number << 1) | (v >= 128 ? 1 : 0);
      }
    }
    return number;
  }
}
