package io.emotionstream.cli.bench;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU milliseconds per analysed frame of a chosen set of thread groups ({@link ThreadCpu}), and the
 * ratio of one group's CPU to another's: the end-to-end benchmark's figures for comparing two builds
 * on a shared machine.
 *
 * <p>Why CPU per frame beside frames per second: frames per second is wall-clock work and falls with
 * whatever else the machine runs; the CPU the analysis threads spend per frame does not count the
 * time they wait for a core, nor the threads that load the process from outside the analysis (the
 * JIT compiler, the garbage collector, an embedded broker, the simulated cameras).
 *
 * <p>Why the ratios: CPU time is not work done either where the host's speed moves. On a 2-vCPU
 * virtual machine without performance counters or steal time, six processes of one build's
 * {@code bench stream} (20 px, three 30 s rounds each, two settings alternating) spent 124-171 ms of
 * analysis CPU per frame, the same 20-25% spread as their frames/s. What held was the ratio of one
 * group's CPU to another's in the same round: the classifier's CPU over the detection workers' was
 * 0.116-0.126 in every round with flip TTA and 0.076-0.086 without, the processes' medians within 4%
 * of each other (in a second comparison, of two builds, within 2-11%). The groups slow down mostly
 * together when the host does, not exactly: within one process the classifier's share over
 * detection's moved 0.126 -> 0.108 between rounds while nothing changed, detection slowing more. So
 * {@link #ratios} compares a changed stage with an unchanged one, good for a change of about 15%.
 */
public final class CpuPerFrame {

  private CpuPerFrame() {}

  /**
   * The milliseconds of CPU that the {@code groups} of {@code coresByGroup} (cores used over
   * {@code wallNanos}) spent per frame, {@code frames} frames analysed in that time; NaN when no
   * frame was analysed or the thread figures are missing (no {@code /proc}).
   */
  public static double millis(Map<String, Double> coresByGroup, Collection<String> groups, long wallNanos, long frames) {
    if (frames <= 0 || wallNanos <= 0 || !coresByGroup.keySet().containsAll(groups)) {
      return Double.NaN;
    }
    double cores = groups.stream().mapToDouble(coresByGroup::get).sum();
    return cores * wallNanos / 1e6 / frames;
  }

  /**
   * Each of {@code groups}' cores over the {@code reference} group's, in the groups' order; empty
   * where the reference is missing or used no CPU.
   */
  public static Map<String, Double> ratios(Map<String, Double> coresByGroup, String reference, Collection<String> groups) {
    Map<String, Double> ratios = new LinkedHashMap<>();
    Double base = coresByGroup.get(reference);
    if (base == null || base <= 0) {
      return ratios;
    }
    for (String g : groups) {
      if (!g.equals(reference) && coresByGroup.containsKey(g)) {
        ratios.put(g, coresByGroup.get(g) / base);
      }
    }
    return ratios;
  }
}
