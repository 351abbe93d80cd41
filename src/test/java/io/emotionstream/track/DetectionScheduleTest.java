package io.emotionstream.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DetectionScheduleTest {

  private static List<Boolean> run(DetectionSchedule schedule, int frames, int lostAt) {
    List<Boolean> full = new ArrayList<>();
    for (int i = 0; i < frames; i++) {
      boolean f = schedule.fullSearchNext();
      full.add(f);
      if (f) {
        schedule.searched();
      } else {
        schedule.refined(3, i == lostAt ? 2 : 3);
      }
    }
    return full;
  }

  @Test
  void fullSearchEveryNFramesAndRightAfterAFaceIsLost() {
    assertEquals(List.of(true, false, false, false, true, false, false, false, true),
        run(new DetectionSchedule(4), 9, -1));
    assertEquals(List.of(true, false, true, false, false, false, true), run(new DetectionSchedule(4), 7, 1));
    assertEquals(List.of(true, true, true), run(new DetectionSchedule(1), 3, -1));
    assertThrows(IllegalArgumentException.class, () -> new DetectionSchedule(0));
  }

  @Test
  void failedRefinementsBackOffAndASuccessEndsTheBackOff() {
    DetectionSchedule s = new DetectionSchedule(3);
    List<Boolean> full = new ArrayList<>();
    // a new scene every frame: every refinement fails
    for (int i = 0; i < 40; i++) {
      boolean f = s.fullSearchNext();
      full.add(f);
      if (f) {
        s.searched();
      } else {
        s.refinementFailed();
      }
    }
    // refinement tried at frames 1, 5, 12, 25: after each failure 3, 6, then 12 full searches
    List<Integer> tried = new ArrayList<>();
    for (int i = 0; i < full.size(); i++) {
      if (!full.get(i)) {
        tried.add(i);
      }
    }
    assertEquals(List.of(1, 5, 12, 25), tried);
    // the scene settles: the next refinement succeeds and the usual cadence comes back
    while (s.fullSearchNext()) {
      s.searched();
    }
    s.refined(2, 2);
    assertEquals(0, s.backoffLeft());
    assertEquals(List.of(false, true, false, false, true), run(s, 5, -1).subList(0, 5));
    // and a failure after a success backs off by fullEvery again, not by the longest so far
    s.refinementFailed();
    assertEquals(3, s.backoffLeft());
  }

  @Test
  void backOffIsCapped() {
    DetectionSchedule s = new DetectionSchedule(3);
    for (int i = 0; i < 20; i++) {
      s.refinementFailed();
    }
    assertEquals(DetectionSchedule.MAX_BACKOFF, s.backoffLeft());
  }
}
