package io.emotionstream.cli.bench;

import java.util.Map;

/**
 * When a benchmark's warm-up has lasted long enough: after each warm-up step, another follows while
 * the JIT compiler took more than {@code jitShare} of the process's CPU time in it, until
 * {@code maxSeconds} of warm-up have passed.
 *
 * <p>Why the JIT: {@code bench stream} at 20 px, four 30 s rounds after a 10 s warm-up, gave 9.87,
 * 10.40, 10.57 and 10.70 frames/s while the JIT compiler's CPU fell from 0.23 to 0.17, 0.13 and 0.07
 * cores (12%, 9%, 7% and 4% of the process's) and the detector's rose from 1.18 to 1.26 cores: the
 * rounds climbed as long as the compiler took cores from the work. A fixed warm-up long enough for
 * a quiet machine is too short for a busy one, so the rule watches the compiler itself.
 */
public final class WarmupRule {

  /** The group name {@link ThreadCpu} reports the JIT compiler's threads under. */
  public static final String JIT_GROUP = "jitCompiler";

  private final double jitShare;
  private final double maxSeconds;

  /**
   * @param jitShare the JIT compiler's largest share of the process's CPU time in a step that ends
   *     the warm-up, between 0 and 1; 1 = one step only
   * @param maxSeconds the most warm-up seconds, whatever the compiler does
   */
  public WarmupRule(double jitShare, double maxSeconds) {
    if (!(jitShare > 0 && jitShare <= 1)) {
      throw new IllegalArgumentException("the JIT compiler's share (--warmup-jit-share) must lie in (0, 1], got " + jitShare);
    }
    this.jitShare = jitShare;
    this.maxSeconds = maxSeconds;
  }

  /**
   * Whether another warm-up step should follow one whose threads used {@code coresByGroup} (cores
   * per group, as {@link ThreadCpu#coresByGroup}), after {@code secondsSoFar} of warm-up. Without
   * per-thread figures (no {@code /proc}) one step is all.
   */
  public boolean another(Map<String, Double> coresByGroup, double secondsSoFar) {
    double share = jitShareOf(coresByGroup);
    return secondsSoFar < maxSeconds && !Double.isNaN(share) && share > jitShare;
  }

  /** The JIT compiler's share of the CPU in {@code coresByGroup}, or NaN where it is not known. */
  public static double jitShareOf(Map<String, Double> coresByGroup) {
    double total = coresByGroup.values().stream().mapToDouble(Double::doubleValue).sum();
    return coresByGroup.containsKey(JIT_GROUP) && total > 0 ? coresByGroup.get(JIT_GROUP) / total : Double.NaN;
  }
}
