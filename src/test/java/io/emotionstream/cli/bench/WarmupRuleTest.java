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
    WarmupRule rule = new WarmupRule(0.05, 240);
    assertTrue(rule.another(cores(0.23, 1.67), 40)); // 12%
    assertTrue(rule.another(cores(0.13, 1.77), 110)); // 6.8%
    assertFalse(rule.another(cores(0.07, 1.83), 150)); // 3.7%
    assertEquals(0.07 / 1.9, WarmupRule.jitShareOf(cores(0.07, 1.83)), 1e-12);
  }

  @Test
  void stopsAtTheLimitAndWithoutFigures() {
    WarmupRule rule = new WarmupRule(0.05, 240);
    assertFalse(rule.another(cores(0.5, 1.4), 240));
    assertFalse(rule.another(Map.of(), 10));
    assertFalse(rule.another(cores(0, 0), 10));
    assertTrue(Double.isNaN(WarmupRule.jitShareOf(Map.of())));
  }

  @Test
  void refusesAShareOutsideZeroToOne() {
    assertThrows(IllegalArgumentException.class, () -> new WarmupRule(0, 60));
    assertThrows(IllegalArgumentException.class, () -> new WarmupRule(1.5, 60));
  }
}
