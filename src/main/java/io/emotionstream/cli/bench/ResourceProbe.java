package io.emotionstream.cli.bench;

import io.emotionstream.stats.ProcessMemory;
import java.lang.management.ManagementFactory;

/**
 * What this process uses of the machine, for the benchmarks' reports: resident memory
 * ({@link ProcessMemory}), CPU time, and the machine's load average.
 */
public final class ResourceProbe {

  private ResourceProbe() {}

  /** Resident memory ({@code VmRSS}) in KiB, or -1 where {@code /proc} does not say (not Linux). */
  public static long rssKib() {
    return statusKib("VmRSS");
  }

  /** A memory field of {@code /proc/self/status} ({@code VmRSS}, {@code VmHWM}) in KiB, or -1 where there is none. */
  public static long statusKib(String field) {
    return ProcessMemory.kib(field);
  }

  /** A memory field of {@code /proc/self/status} in MiB, or -1 where there is none. */
  public static long statusMb(String field) {
    long kib = statusKib(field);
    return kib < 0 ? -1 : kib / 1024;
  }

  /** CPU time of this process in nanoseconds, all threads; 0 where the JVM does not say. */
  public static long cpuNanos() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
  }

  /** The system's load average over the last minute, to two decimals; negative where unknown. */
  public static double loadAverage() {
    return Math.round(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage() * 100) / 100.0;
  }
}
