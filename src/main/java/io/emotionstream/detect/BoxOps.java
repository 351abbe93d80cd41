package io.emotionstream.detect;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The box arithmetic of MTCNN, with the conventions of facenet-pytorch (and the original Matlab
 * code it follows) so that results line up with that reference.
 */
final class BoxOps {

  /** How overlap is measured in non-maximum suppression. */
  enum Overlap {
    /** intersection over union, areas without the +1 pixel (torchvision's batched_nms) */
    UNION,
    /** intersection over the smaller box, areas with +1 (the original final-stage NMS) */
    MIN
  }

  private BoxOps() {}

  /**
   * Greedy non-maximum suppression; returns the survivors, highest score first.
   *
   * <p>Equal scores are common in the last stage: O-Net's probability saturates in float32, and
   * for a face that fills the frame several boxes score exactly the same (three boxes at
   * 0.99990427 on one 96x96 tight crop, with different extents past the border). Which of them
   * survives then decides the box. With {@link Overlap#MIN} (the reference's NumPy NMS, which
   * takes the last index of an ascending argsort, stable for such small arrays) the later box in
   * the input wins a tie; with {@link Overlap#UNION} the earlier one does.
   */
  static List<Candidate> nms(List<Candidate> boxes, float threshold, Overlap overlap) {
    List<Candidate> sorted = new ArrayList<>(boxes);
    if (overlap == Overlap.MIN) {
      java.util.Collections.reverse(sorted);
    }
    sorted.sort(Comparator.comparingDouble((Candidate c) -> c.score).reversed());
    int n = sorted.size();
    float add = overlap == Overlap.MIN ? 1f : 0f;
    float[] area = new float[n];
    for (int i = 0; i < n; i++) {
      Candidate c = sorted.get(i);
      area[i] = (c.x2 - c.x1 + add) * (c.y2 - c.y1 + add);
    }
    boolean[] suppressed = new boolean[n];
    List<Candidate> kept = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (suppressed[i]) {
        continue;
      }
      Candidate a = sorted.get(i);
      kept.add(a);
      for (int j = i + 1; j < n; j++) {
        if (suppressed[j]) {
          continue;
        }
        Candidate b = sorted.get(j);
        float w = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1) + add;
        float h = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1) + add;
        if (w <= 0 || h <= 0) {
          continue;
        }
        float inter = w * h;
        float o = overlap == Overlap.MIN
            ? inter / Math.min(area[i], area[j])
            : inter / (area[i] + area[j] - inter);
        if (o > threshold) {
          suppressed[j] = true;
        }
      }
    }
    return kept;
  }

  /** P-Net's regression: offsets scaled by the box size without the +1. */
  static void regressWithoutPlusOne(Candidate c) {
    float w = c.x2 - c.x1;
    float h = c.y2 - c.y1;
    float x1 = c.x1 + c.reg[0] * w;
    float y1 = c.y1 + c.reg[1] * h;
    float x2 = c.x2 + c.reg[2] * w;
    float y2 = c.y2 + c.reg[3] * h;
    c.x1 = x1;
    c.y1 = y1;
    c.x2 = x2;
    c.y2 = y2;
  }

  /** R-Net's and O-Net's regression ({@code bbreg}): offsets scaled by the size +1. */
  static void regress(Candidate c) {
    float w = c.x2 - c.x1 + 1;
    float h = c.y2 - c.y1 + 1;
    c.x1 += c.reg[0] * w;
    c.y1 += c.reg[1] * h;
    c.x2 += c.reg[2] * w;
    c.y2 += c.reg[3] * h;
  }

  /** Makes the box square around its centre, side = the longer side ({@code rerec}). */
  static void square(Candidate c) {
    float w = c.x2 - c.x1;
    float h = c.y2 - c.y1;
    float l = Math.max(w, h);
    c.x1 = c.x1 + w * 0.5f - l * 0.5f;
    c.y1 = c.y1 + h * 0.5f - l * 0.5f;
    c.x2 = c.x1 + l;
    c.y2 = c.y1 + l;
  }

  static float iou(float ax1, float ay1, float ax2, float ay2, float bx1, float by1, float bx2, float by2) {
    float w = Math.min(ax2, bx2) - Math.max(ax1, bx1);
    float h = Math.min(ay2, by2) - Math.max(ay1, by1);
    if (w <= 0 || h <= 0) {
      return 0;
    }
    float inter = w * h;
    return inter / ((ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - inter);
  }
}
