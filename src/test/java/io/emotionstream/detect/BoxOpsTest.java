package io.emotionstream.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Non-maximum suppression's order on equal scores, the grid-filed pass against the textbook one,
 * and the float32 face probability.
 */
class BoxOpsTest {

  @Test
  void finalStageNmsKeepsTheLaterOfEqualScores() {
    Candidate first = new Candidate(0, 0, 100, 100, 0.99990427f);
    Candidate second = new Candidate(-10, -30, 110, 120, 0.99990427f);
    List<Candidate> kept = BoxOps.nms(List.of(first, second), 0.7f, BoxOps.Overlap.MIN);
    assertEquals(1, kept.size());
    assertSame(second, kept.get(0));
  }

  @Test
  void unionNmsKeepsTheEarlierOfEqualScores() {
    Candidate first = new Candidate(0, 0, 100, 100, 0.9f);
    Candidate second = new Candidate(2, 2, 102, 102, 0.9f);
    List<Candidate> kept = BoxOps.nms(List.of(first, second), 0.7f, BoxOps.Overlap.UNION);
    assertEquals(1, kept.size());
    assertSame(first, kept.get(0));
  }

  @Test
  void aHigherScoreWinsWhicheverComesFirst() {
    Candidate low = new Candidate(0, 0, 100, 100, 0.8f);
    Candidate high = new Candidate(1, 1, 101, 101, 0.95f);
    assertSame(high, BoxOps.nms(List.of(high, low), 0.7f, BoxOps.Overlap.MIN).get(0));
    assertSame(high, BoxOps.nms(List.of(low, high), 0.7f, BoxOps.Overlap.MIN).get(0));
  }

  @Test
  void faceProbabilitySaturatesInFloat32() {
    // logit differences 9.25 and 9.2500001 give the same float32 probability
    assertEquals(MtcnnDetector.softmaxFace(0, 9.25f), MtcnnDetector.softmaxFace(0, Math.nextUp(9.25f)));
    assertEquals(0.5f, MtcnnDetector.softmaxFace(1, 1));
    assertEquals(1 / (1 + Math.exp(3)), MtcnnDetector.softmaxFace(2, -1), 1e-7);
    assertEquals(1 / (1 + Math.exp(-3)), MtcnnDetector.softmaxFace(-1, 2), 1e-7);
  }

  /**
   * The grid-filed pass keeps exactly the boxes of the textbook pass, in the same order, on the
   * shapes P-Net and the later stages produce: one pyramid level's cells (equal sizes on a stride-2
   * lattice, many above the threshold), boxes of every size from all levels, coarse scores with many
   * ties, degenerate and inverted boxes, boxes a pixel apart (which MIN's +1 counts as overlapping),
   * and boxes far outside the frame, not a number or infinite.
   */
  @Test
  void gridPassKeepsTheTextbookPassesBoxes() {
    Random random = new Random(7);
    int compared = 0;
    int suppressedSomewhere = 0;
    for (int round = 0; round < 300; round++) {
      List<Candidate> boxes = new ArrayList<>();
      int kind = round % 5;
      int n = 1 + random.nextInt(kind == 0 ? 3000 : 600);
      float scale = 0.05f + random.nextFloat();
      for (int i = 0; i < n; i++) {
        float score = kind == 2 ? random.nextInt(5) / 4f : random.nextFloat();
        Candidate c;
        if (kind == 0) { // one pyramid level
          int x = random.nextInt(300);
          int y = random.nextInt(200);
          c = new Candidate((float) Math.floor((2 * x + 1) / scale), (float) Math.floor((2 * y + 1) / scale),
              (float) Math.floor((2 * x + 12) / scale), (float) Math.floor((2 * y + 12) / scale), score);
        } else {
          float side = (float) Math.exp(random.nextFloat() * 6);
          float x = random.nextFloat() * 1400 - 60;
          float y = random.nextFloat() * 800 - 60;
          c = new Candidate(x, y, x + side, y + side * (0.5f + random.nextFloat()), score);
          if (kind == 3 && random.nextInt(8) == 0) { // inverted, or a pixel from its neighbour
            c = random.nextBoolean() ? new Candidate(x, y, x - random.nextFloat() * 1.5f, y + side, score)
                : new Candidate(x + side + random.nextFloat() * 1.2f, y, x + 2 * side, y + side, score);
          }
          if (kind == 4 && random.nextInt(20) == 0) {
            float[] odd = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1e9f, -1e9f};
            c = new Candidate(x, y, odd[random.nextInt(odd.length)], y + side, score);
          }
        }
        boxes.add(c);
      }
      for (BoxOps.Overlap overlap : BoxOps.Overlap.values()) {
        for (float threshold : new float[] {0.5f, 0.7f}) {
          List<Candidate> expected = textbookNms(boxes, threshold, overlap);
          List<Candidate> actual = BoxOps.nms(boxes, threshold, overlap);
          assertEquals(expected.size(), actual.size(), "round " + round + " " + overlap + " " + threshold);
          for (int i = 0; i < expected.size(); i++) {
            assertSame(expected.get(i), actual.get(i), "round " + round + " " + overlap + " box " + i);
          }
          compared++;
          suppressedSomewhere += expected.size() < boxes.size() ? 1 : 0;
        }
      }
    }
    assertEquals(1200, compared);
    assertTrue(suppressedSomewhere > 900, "most cases should suppress boxes: " + suppressedSomewhere);
  }

  /** Greedy NMS as it is usually written: every kept box against every later box. */
  private static List<Candidate> textbookNms(List<Candidate> boxes, float threshold, BoxOps.Overlap overlap) {
    List<Candidate> sorted = new ArrayList<>(boxes);
    if (overlap == BoxOps.Overlap.MIN) {
      java.util.Collections.reverse(sorted);
    }
    sorted.sort(Comparator.comparingDouble((Candidate c) -> c.score).reversed());
    int n = sorted.size();
    float add = overlap == BoxOps.Overlap.MIN ? 1f : 0f;
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
        float o = overlap == BoxOps.Overlap.MIN ? inter / Math.min(area[i], area[j]) : inter / (area[i] + area[j] - inter);
        if (o > threshold) {
          suppressed[j] = true;
        }
      }
    }
    return kept;
  }
}
