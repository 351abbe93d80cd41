package io.emotionstream.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class ProcessMemoryTest {

  @Test
  void readsTheResidentSizeAndItsPeakFromOneRead() {
    Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/self/status")), "no /proc/self/status (not Linux)");
    Map<String, Long> kib = ProcessMemory.kibByField();
    long rss = kib.get("VmRSS");
    assertTrue(rss > 10_000, "a JVM holds more than 10 MB: " + rss + " KiB");
    assertTrue(kib.get("VmHWM") >= rss, "the peak is at least the size now: " + kib);
    assertTrue(kib.containsKey("VmSize") && !kib.containsKey("Threads"), "kB fields only: " + kib.keySet());
    assertEquals(-1, ProcessMemory.kib("NoSuchField"));
  }
}
