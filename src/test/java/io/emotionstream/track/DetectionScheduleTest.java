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
}
