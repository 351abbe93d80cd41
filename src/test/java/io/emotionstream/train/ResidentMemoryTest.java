package io.emotionstream.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class ResidentMemoryTest {

  @Test
  void thePeakStartsAgainAtTheResetAndFollowsTouchedMemory() {
    Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/self/status")), "needs /proc (Linux)");
    Assumptions.assumeTrue(ResidentMemory.resetPeak(), "the kernel does not allow resetting VmHWM");
    ResidentMemory.Reading reading = ResidentMemory.read();
    double now = reading.megabytes();
    double peak = reading.peakMegabytes();
    assertTrue(now > 0 && peak >= now - 1, "peak " + peak + " MB, resident " + now + " MB");
    assertTrue(peak - now < 64, "right after the reset the peak is the current size: " + peak + " vs " + now);

    int size = 128 << 20;
    ByteBuffer touched = ByteBuffer.allocateDirect(size);
    for (int i = 0; i < size; i += 4096) {
      touched.put(i, (byte) 1);
    }
    double after = ResidentMemory.read().peakMegabytes();
    assertTrue(after >= peak + 0.8 * size / 1e6, "128 MiB touched: peak " + peak + " -> " + after + " MB");
    assertTrue(touched.get(size - 4096) == 1);
  }
}
