package io.emotionstream.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Non-maximum suppression's order on equal scores, and the float32 face probability. */
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
}
