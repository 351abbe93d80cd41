package io.emotionstream.cli.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.emotionstream.stats.CpuInfo;
import java.util.Set;

/**
 * The machine a benchmark ran on, for its report: CPU model, the SIMD flags that change the
 * figures (from /proc/cpuinfo, as lscpu shows them), processors and load average.
 */
public final class BenchMachine {

  private static final Set<String> FLAGS = Set.of("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512_vnni",
      "avx512_bf16", "amx_tile");

  private BenchMachine() {}

  public static void describe(ObjectNode report) {
    CpuInfo cpu = CpuInfo.read();
    report.put("cpuModel", cpu.model());
    report.put("cpuFlags", cpu.flagsAmong(FLAGS));
    report.put("processors", Runtime.getRuntime().availableProcessors());
    report.put("loadAverageBefore", loadAverage());
  }

  /** The system's load average over the last minute (other work on the machine), -1 where unknown. */
  public static double loadAverage() {
    return ResourceProbe.loadAverage();
  }
}
