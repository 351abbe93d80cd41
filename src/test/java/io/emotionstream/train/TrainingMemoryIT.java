package io.emotionstream.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.emotionstream.Assets;
import io.emotionstream.testing.LauncherAllocator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training job's resident memory per epoch, in its own JVM started as the launcher starts it
 * (jemalloc preloaded with the launcher's {@code MALLOC_CONF}, {@code OMP_WAIT_POLICY=PASSIVE}, the
 * engine's default threads): from the second epoch on, each epoch's peak must stay within 10% of the
 * second's and under 3 GB, and no epoch may end above that band. Every epoch allocates and frees the same batches, validation batches and checkpoint copies, so memory
 * that an epoch does not give back grows the process epoch after epoch.
 */
class TrainingMemoryIT {

  static final int EPOCHS = 10;

  @TempDir Path tmp;

  @Test
  void residentMemoryIsFlatFromTheSecondEpochOn() throws Exception {
    Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/self/status")), "needs /proc (Linux) for VmRSS");
    Path csv = SyntheticFaces.writeCsv(tmp.resolve("fer.csv"), 700, 100, 5);
    Path out = tmp.resolve("run");
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
        "-Demotionstream.assets=" + Assets.dir(), "-cp", classpath(), "io.emotionstream.cli.Main", "train",
        "--data", csv.toString(), "--output", out.toString(), "--classes", "angry,happy,neutral",
        "--epochs", Integer.toString(EPOCHS), "--framing-sample", "0", "--no-progress", "--aug-erase", "0.5"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(tmp.resolve("train.log").toFile());
    Map<String, String> env = builder.environment();
    env.remove("MALLOC_CONF");
    boolean jemalloc = LauncherAllocator.apply(env);
    env.put("OMP_WAIT_POLICY", "PASSIVE");
    Process process = builder.start();
    try {
      assertTrue(process.waitFor(15, TimeUnit.MINUTES), "training did not finish in 15 minutes");
    } finally {
      process.destroyForcibly();
    }
    String log = Files.readString(tmp.resolve("train.log"));
    assertEquals(0, process.exitValue(), log);
    JsonNode epochs = new ObjectMapper().readTree(out.resolve("report.json").toFile()).get("epochs");
    assertEquals(EPOCHS, epochs.size());
    List<Double> rss = new ArrayList<>();
    List<Double> peak = new ArrayList<>();
    epochs.forEach(e -> rss.add(e.get("residentMb").asDouble()));
    epochs.forEach(e -> peak.add(e.get("residentPeakMb").asDouble()));
    System.out.println("[train] resident MB per epoch (jemalloc " + (jemalloc ? env.get("MALLOC_CONF") : "not installed")
        + "): peak " + peak + ", at the epoch's end " + rss);
    double second = peak.get(1);
    assertTrue(second > 0 && rss.get(1) > 0, "VmHWM and VmRSS recorded: " + peak + ", " + rss);
    for (int e = 2; e < peak.size(); e++) {
      // the peak is the memory an epoch needs: it must not grow (where the kernel refuses the
      // per-epoch reset, VmHWM is the process's high so far, which still shows growth)
      assertTrue(Math.abs(peak.get(e) - second) <= 0.1 * second, "peak of epoch " + (e + 1) + ": " + peak);
      assertTrue(peak.get(e) < 3000, "epoch " + (e + 1) + " above 3 GB: " + peak);
      // with purging, the resident size at an epoch's end may fall below the peak, never above it by much
      assertTrue(rss.get(e) <= 1.1 * second, "epoch " + (e + 1) + " ended above its peak band: " + rss);
    }
  }

  /** The test's runtime classpath; Surefire and Failsafe run tests from a manifest-only jar. */
  private static String classpath() {
    String cp = System.getProperty("surefire.test.class.path");
    return cp == null || cp.isBlank() ? System.getProperty("java.class.path") : cp;
  }
}
