package io.emotionstream.cli.bench;

import java.util.Map;

/**
 * When a benchmark's warm-up has lasted long enough: after each warm-up step, another follows while
 * the JIT compiler took more than {@code jitShare} of the process's CPU time in it, or while the
 * analysis's CPU time per frame still fell by more than {@code settledFraction} from the step
 * before, until {@code maxSeconds} of warm-up have passed. One rule object per warm-up: it keeps
 * the last step's CPU per frame.
 *
 * <p>Why the JIT: {@code bench stream} at 20 px, four 30 s rounds after a 10 s warm-up, gave 9.87,
 * 10.40, 10.57 and 10.70 frames/s while the JIT compiler's CPU fell from 0.23 to 0.17, 0.13 and 0.07
 * cores (12%, 9%, 7% and 4% of the process's) and the detector's rose from 1.18 to 1.26 cores: the
 * rounds climbed as long as the compiler took cores from the work. A fixed warm-up long enough for
 * a quiet machine is too short for a busy one, so the rule watches the compiler itself.
 *
 * <p>Why the CPU per frame as well: the compiler's share says when it stops taking cores, not when
 * the code it compiled has replaced the slower code. In {@code bench stream} at 20 px the analysis
 * threads' CPU per frame went 157, 147, 130, 129 and 126 ms over five 30 s warm-up steps while the
 * compiler's share fell from 16% to 3%; in a run whose first steps shared the cores with another
 * job, the three measured rounds after the compiler's share reached 5% still fell from 156 to 149
 * and 128 ms (the frames/s rose 29%).
 */
public final class WarmupRule {

  /** The group name {@link ThreadCpu} reports the JIT compiler's threads under. */
  public static final String JIT_GROUP = "jitCompiler";

  private final double jitShare;
  private final double settledFraction;
  private final double maxSeconds;
  private double lastMsPerFrame = Double.NaN;

  /**
   * @param jitShare the JIT compiler's largest share of the process's CPU time in a step that ends
   *     the warm-up, between 0 and 1; 1 = not watched
   * @param settledFraction the largest fall of the CPU per frame from one step to the next that
   *     ends the warm-up, as a fraction (0.03 = 3%); 1 = not watched
   * @param maxSeconds the most warm-up seconds, whatever the compiler does
   */
  public WarmupRule(double jitShare, double settledFraction, double maxSeconds) {
    if (!(jitShare > 0 && jitShare <= 1)) {
      throw new IllegalArgumentException("the JIT compiler's share (--warmup-jit-share) must lie in (0, 1], got " + jitShare);
    }
    if (!(settledFraction > 0 && settledFraction <= 1)) {
      throw new IllegalArgumentException(
          "the settled CPU per frame's fall (--warmup-settled) must lie in (0, 1], got " + settledFraction);
    }
    this.jitShare = jitShare;
    this.settledFraction = settledFraction;
    this.maxSeconds = maxSeconds;
  }

  /**
   * Whether another warm-up step should follow one whose threads used {@code coresByGroup} (cores
   * per group, as {@link ThreadCpu#coresByGroup}) and whose analysis cost {@code msPerFrame} of CPU
   * per frame ({@link CpuPerFrame}; NaN where not known), after {@code secondsSoFar} of warm-up.
   * Without per-thread figures (no {@code /proc}) one step is all; the first step with figures is
   * always followed by another, which has a step to compare its CPU per frame with.
   */
  public boolean another(Map<String, Double> coresByGroup, double msPerFrame, double secondsSoFar) {
    double share = jitShareOf(coresByGroup);
    double before = lastMsPerFrame;
    lastMsPerFrame = msPerFrame;
    if (secondsSoFar >= maxSeconds || Double.isNaN(share)) {
      return false;
    }
    boolean compiling = share > jitShare;
    boolean stillFalling = !Double.isNaN(msPerFrame) && settledFraction < 1
        && (Double.isNaN(before) || msPerFrame < before * (1 - settledFraction));
    return compiling || stillFalling;
  }

  /** The JIT compiler's share of the CPU in {@code coresByGroup}, or NaN where it is not known. */
  public static double jitShareOf(Map<String, Double> coresByGroup) {
    double total = coresByGroup.values().stream().mapToDouble(Double::doubleValue).sum();
    return coresByGroup.containsKey(JIT_GROUP) && total > 0 ? coresByGroup.get(JIT_GROUP) / total : Double.NaN;
  }
}
