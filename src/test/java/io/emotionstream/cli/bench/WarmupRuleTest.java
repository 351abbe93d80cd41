package io.emotionstream.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class WarmupRuleTest {

  private static Map<String, Double> cores(double jit, double rest) {
    return Map.of(WarmupRule.JIT_GROUP, jit, "detection", rest);
  }

  @Test
  void warmsUpWhileTheCompilerTakesMoreThanItsShare() {
    WarmupRule rule = new WarmupRule(0.05, 1, 240); // CPU per frame not watched
    assertTrue(rule.another(cores(0.23, 1.67), Double.NaN, 40)); // 12%
    assertTrue(rule.another(cores(0.13, 1.77), Double.NaN, 110)); // 6.8%
    assertFalse(rule.another(cores(0.07, 1.83), Double.NaN, 150)); // 3.7%
    assertEquals(0.07 / 1.9, WarmupRule.jitShareOf(cores(0.07, 1.83)), 1e-12);
  }

  @Test
  void warmsUpWhileTheCpuPerFrameStillFalls() {
    // the steps of a measured warm-up: 157, 147, 130, 129, 126 ms per frame; compiler 16% .. 3%
    WarmupRule rule = new WarmupRule(0.05, 0.03, 600);
    assertTrue(rule.another(cores(0.01, 1.5), 157, 30)); // nothing to compare with yet
    assertTrue(rule.another(cores(0.01, 1.5), 147, 60)); // fell 6%
    assertTrue(rule.another(cores(0.01, 1.5), 130, 90)); // fell 12%
    assertFalse(rule.another(cores(0.01, 1.5), 129, 120)); // fell 0.8%, compiler quiet: settled
    assertTrue(rule.another(cores(0.2, 1.5), 128, 150)); // the compiler busy again: another
    assertFalse(rule.another(cores(0.01, 1.5), 131, 180)); // rose: settled
    // the other rule's threshold does not leak: a fall within 3% ends it
    assertFalse(rule.another(cores(0.01, 1.5), 127.5, 210));
  }

  @Test
  void stopsAtTheLimitAndWithoutFigures() {
    WarmupRule rule = new WarmupRule(0.05, 0.03, 240);
    assertFalse(rule.another(cores(0.5, 1.4), 100, 240));
    assertFalse(rule.another(Map.of(), 100, 10));
    assertFalse(rule.another(cores(0, 0), 100, 10));
    assertTrue(Double.isNaN(WarmupRule.jitShareOf(Map.of())));
    WarmupRule noFrames = new WarmupRule(0.05, 0.03, 240);
    assertFalse(noFrames.another(cores(0.01, 1.5), Double.NaN, 30)); // no CPU per frame: the compiler decides
  }

  @Test
  void refusesAShareOrAFallOutsideZeroToOne() {
    assertThrows(IllegalArgumentException.class, () -> new WarmupRule(0, 0.03, 60));
    assertThrows(IllegalArgumentException.class, () -> new WarmupRule(1.5, 0.03, 60));
    assertThrows(IllegalArgumentException.class, () -> new WarmupRule(0.05, 0, 60));
    assertThrows(IllegalArgumentException.class, () -> new WarmupRule(0.05, 2, 60));
  }
}
