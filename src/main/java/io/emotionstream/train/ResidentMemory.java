package io.emotionstream.train;

import io.emotionstream.stats.ProcessMemory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The process's resident memory ({@code VmRSS} of {@code /proc/self/status}) and its peak since the
 * last {@link #resetPeak()} ({@code VmHWM}, which the kernel keeps exactly; writing 5 to
 * {@code /proc/self/clear_refs} resets it to the current resident size, Linux 4.0 and later).
 *
 * <p>Why both: with the allocator purging unused pages over its decay time, the resident size at
 * the end of an epoch depends on when the last purge ran (with a 10 s decay a 10-epoch test run
 * measured 717-1095 MB at epoch ends with the same work every epoch), while the epoch's peak is
 * the memory the job needs, the figure that decides whether it fits, and the one that shows growth
 * from epoch to epoch.
 */
final class ResidentMemory {

  private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

  private ResidentMemory() {}

  /**
   * Resident memory now and its highest since the last {@link #resetPeak()} (or since the process
   * started, where the reset is not available), in MB (10^6 bytes); 0 where {@code /proc} does not say.
   */
  record Reading(double megabytes, double peakMegabytes) {}

  /** Both figures from one read of {@code /proc/self/status} ({@link ProcessMemory}). */
  static Reading read() {
    Map<String, Long> kib = ProcessMemory.kibByField();
    return new Reading(megabytes(kib.getOrDefault("VmRSS", 0L)), megabytes(kib.getOrDefault("VmHWM", 0L)));
  }

  /**
   * Starts a new peak at the current resident size.
   *
   * @return false where the system does not allow it (not Linux, an old kernel, no {@code /proc})
   */
  static boolean resetPeak() {
    try {
      Files.writeString(CLEAR_REFS, "5");
      return true;
    } catch (IOException | RuntimeException e) {
      return false; // the peak then runs from the process's start; the figure is optional
    }
  }

  private static double megabytes(long kib) {
    return kib * 1024 / 1e6;
  }
}
