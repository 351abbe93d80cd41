package io.emotionstream.stats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The CPU as {@code /proc/cpuinfo} names it: the first processor's model name and flags (every
 * processor of one machine lists the same). One reader for the benchmarks' reports and for the
 * kernels that may only run where the CPU has certain instructions, so that both see the same flags.
 *
 * @param model the model name, {@code "unknown"} where the file does not say
 * @param flags the flags as the kernel spells them ({@code avx512_bf16}), empty where unknown
 */
public record CpuInfo(String model, Set<String> flags) {

  private static final Path CPUINFO = Path.of("/proc/cpuinfo");

  public CpuInfo {
    flags = Set.copyOf(flags);
  }

  /** This machine's, read now; model unknown and no flags where {@code /proc} does not say (not Linux). */
  public static CpuInfo read() {
    try {
      return parse(Files.readString(CPUINFO));
    } catch (IOException | RuntimeException e) {
      return parse("");
    }
  }

  /** The first {@code model name} and {@code flags} lines of a {@code /proc/cpuinfo} text. */
  public static CpuInfo parse(String cpuinfo) {
    String model = "unknown";
    Set<String> flags = new TreeSet<>();
    for (String line : cpuinfo.split("\n")) {
      String value = line.substring(line.indexOf(':') + 1).trim();
      if (line.startsWith("model name") && model.equals("unknown")) {
        model = value;
      } else if (line.startsWith("flags") && flags.isEmpty() && !value.isEmpty()) {
        flags.addAll(List.of(value.split("\\s+")));
      }
    }
    return new CpuInfo(model, flags);
  }

  /** The flags of {@code wanted} this CPU lacks, in {@code wanted}'s order (all of them where unknown). */
  public List<String> missing(Collection<String> wanted) {
    return wanted.stream().filter(f -> !flags.contains(f)).toList();
  }

  /** The flags of {@code shown} this CPU has, sorted and space-separated, for a report. */
  public String flagsAmong(Collection<String> shown) {
    return String.join(" ", new TreeSet<>(shown.stream().filter(flags::contains).toList()));
  }
}
