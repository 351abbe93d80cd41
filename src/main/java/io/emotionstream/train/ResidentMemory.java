package io.emotionstream.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The process's resident memory ({@code VmRSS} of {@code /proc/self/status}). */
final class ResidentMemory {

  private ResidentMemory() {}

  /** Resident memory in MB (10^6 bytes), or 0 where {@code /proc} does not say. */
  static double megabytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024 / 1e6;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or /proc not mounted: the figure is optional
    }
    return 0;
  }
}
