package io.emotionstream.stats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The process's memory figures as the kernel keeps them: the fields of {@code /proc/self/status}
 * given in kB ({@code VmRSS} resident now, {@code VmHWM} its peak, {@code RssAnon}, ...). The JVM's
 * own beans say nothing of native memory (libtorch, OpenCV, Kafka's buffers), which is most of this
 * process's. One reader for the benchmarks and the training job, so that their figures agree.
 */
public final class ProcessMemory {

  private static final Path STATUS = Path.of("/proc/self/status");

  private ProcessMemory() {}

  /**
   * Every kB field of {@code /proc/self/status} from one read, in KiB by name; empty where
   * {@code /proc} does not say (not Linux, or not mounted): the figures are optional everywhere.
   */
  public static Map<String, Long> kibByField() {
    Map<String, Long> fields = new HashMap<>();
    try {
      for (String line : Files.readAllLines(STATUS)) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.endsWith(" kB")) {
          fields.put(line.substring(0, colon), Long.parseLong(line.substring(colon + 1, line.length() - 3).trim()));
        }
      }
    } catch (IOException | RuntimeException e) {
      return Map.of();
    }
    return fields;
  }

  /** One field of {@link #kibByField()} in KiB, or -1 where there is none. */
  public static long kib(String field) {
    return kibByField().getOrDefault(field, -1L);
  }
}
