package io.emotionstream.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The fair-share rule of load shedding, on the counts a shedder feeds it. */
class FairShareTest {

  private final FairShare fair = new FairShare(Duration.ofSeconds(10));

  /**
   * One frame of {@code camera}: too old (a shed the thread layout forced), fair-shed, or analysed.
   *
   * @return whether it was shed
   */
  private boolean frame(String camera, long now, boolean tooOld) {
    if (tooOld) {
      fair.shed(camera, now, true);
      return true;
    }
    if (fair.behindShare(camera, now)) {
      fair.shed(camera, now, false);
      return true;
    }
    fair.analysed(camera, now);
    return false;
  }

  @Test
  void withoutOverloadNothingIsShedForFairness() {
    for (int i = 0; i < 100; i++) {
      assertFalse(frame("a", i * 100L, false));
      assertFalse(frame("b", i * 100L, false));
    }
  }

  @Test
  void aCameraThatShedsNothingWhileOthersShedAsTooOldShedsAboutTheSameShare() {
    // cameras a and b share an overloaded thread: every other frame of theirs is too old; c is alone
    // on a thread that keeps up. Over 60 s at 5 frames/s each, c must shed about half its frames too
    // (here its shed frames free nothing for a and b, so it stays within the headroom above their rate)
    int shedA = 0;
    int shedC = 0;
    int frames = 0;
    for (long t = 0; t < 60_000; t += 200) {
      boolean late = (t / 200) % 2 == 0;
      shedA += frame("a", t, late) ? 1 : 0;
      frame("b", t, late);
      shedC += frame("c", t, false) ? 1 : 0;
      frames++;
    }
    double shareA = (double) shedA / frames;
    double shareC = (double) shedC / frames;
    assertEquals(0.5, shareA, 0.01);
    assertTrue(Math.abs(shareA - shareC) < 0.06, "a shed " + shareA + ", c " + shareC);
    assertTrue(shareC > 0.4, "c shed " + shareC);
  }

  @Test
  void aFloodingCameraGetsTheLevelAndTheOthersKeepTheirFrames() {
    // a sends 10 frames a tick on its own partition and sheds 80% of them as too old; b and c send
    // one frame a tick and keep up: their rate is below the fair level, so they shed nothing
    int shedB = 0;
    for (long t = 0; t < 60_000; t += 200) {
      for (int i = 0; i < 10; i++) {
        frame("a", t, i % 5 != 0);
      }
      shedB += frame("b", t, false) ? 1 : 0;
      frame("c", t, false);
    }
    assertEquals(0, shedB);
  }

  @Test
  void afterTheOverloadEndsTheRuleStopsWithinTheWindow() {
    for (long t = 0; t < 20_000; t += 200) {
      frame("a", t, true);
      frame("c", t, false);
    }
    int shedLater = 0;
    for (long t = 31_000; t < 40_000; t += 200) {
      shedLater += frame("c", t, false) ? 1 : 0;
    }
    assertEquals(0, shedLater, "no too-old frame for more than the window: no fair shedding");
  }

  @Test
  void camerasThatStopSendingAreForgotten() {
    for (int i = 0; i < 5_000; i++) {
      frame("cam-" + i, 1_000, false);
    }
    assertEquals(5_000, fair.cameras());
    frame("cam-x", 20_000, false);
    assertEquals(1, fair.cameras(), "only the camera sending within the window is kept");
  }
}
