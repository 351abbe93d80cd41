package io.emotionstream.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The machine a benchmark ran on, for its report: CPU model, the SIMD flags that change the
 * figures (from /proc/cpuinfo, as lscpu shows them), processors, load average, and the process's
 * CPU time.
 */
final class BenchMachine {

  private static final Set<String> FLAGS = Set.of("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512_vnni",
      "avx512_bf16", "amx_tile");

  private BenchMachine() {}

  static void describe(ObjectNode report) {
    String model = "unknown";
    Set<String> flags = new TreeSet<>();
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
      for (String line : lines) {
        if (line.startsWith("model name") && model.equals("unknown")) {
          model = line.substring(line.indexOf(':') + 1).trim();
        } else if (line.startsWith("flags") && flags.isEmpty()) {
          for (String f : line.substring(line.indexOf(':') + 1).trim().split("\\s+")) {
            if (FLAGS.contains(f)) {
              flags.add(f);
            }
          }
        }
      }
    } catch (IOException e) {
      // not Linux: the model stays unknown
    }
    report.put("cpuModel", model);
    report.put("cpuFlags", String.join(" ", flags));
    report.put("processors", Runtime.getRuntime().availableProcessors());
    report.put("loadAverageBefore", loadAverage());
  }

  static double loadAverage() {
    return Math.round(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage() * 100) / 100.0;
  }

  /** CPU time of this process in nanoseconds. */
  static long processCpuNanos() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
  }
}
