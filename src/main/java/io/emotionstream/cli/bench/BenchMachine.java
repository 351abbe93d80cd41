package io.emotionstream.cli.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The machine a benchmark ran on, for its report: CPU model, the SIMD flags that change the
 * figures (from /proc/cpuinfo, as lscpu shows them), processors and load average.
 */
public final class BenchMachine {

  private static final Set<String> FLAGS = Set.of("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512_vnni",
      "avx512_bf16", "amx_tile");

  private BenchMachine() {}

  public static void describe(ObjectNode report) {
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

  /** The system's load average over the last minute (other work on the machine), -1 where unknown. */
  public static double loadAverage() {
    return ResourceProbe.loadAverage();
  }
}
