package io.emotionstream.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void waitsDoubleUpToTheCapWithHalfOfEachWaitRandom() {
    Backoff lowest = new Backoff(Duration.ofMillis(500), Duration.ofMillis(3000), () -> 0.0);
    Backoff highest = new Backoff(Duration.ofMillis(500), Duration.ofMillis(3000), () -> 0.999999);
    long[] expectedBase = {500, 1000, 2000, 3000, 3000, 3000};
    for (long base : expectedBase) {
      assertEquals(base - base / 2, lowest.next().toMillis());
      assertEquals(base, highest.next().toMillis());
    }
  }

  @Test
  void noWaitEverExceedsTheCapAndAResetStartsOver() {
    Random random = new Random(7);
    Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofMillis(3000), random::nextDouble);
    for (int i = 0; i < 1000; i++) {
      long ms = b.next().toMillis();
      assertTrue(ms >= 50 && ms <= 3000, "wait " + ms);
    }
    b.reset();
    assertTrue(b.next().toMillis() <= 100);
    assertEquals(1, b.failures());
  }
}
