package io.emotionstream.emotion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.inference.InferenceConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * 22,000 classifications (14,000 warm-up + 8,000 measured) through the whole path (pre-processing, batcher, worker, DJL predictor)
 * with the small bootstrap model; resident memory outside the Java heap must stay flat after
 * warm-up, which shows that every batch's native arrays are freed. Run alone with
 * {@code mvn test -Dtest=NativeMemorySoakTest} (tag {@code soak}).
 */
@Tag("soak")
class NativeMemorySoakTest {

  /**
   * Resident memory settles only after ~14,000 classifications: glibc's malloc raises its mmap
   * threshold and spreads libtorch's per-batch buffers over per-thread arenas, which fill up slowly
   * (+100..170 MB between 6,000 and 14,000, flat afterwards, in three runs). Measured from then on.
   */
  static final int WARM_UP = 14_000;
  static final int CLASSIFICATIONS = 8_000;
  static final int PER_CALL = 32;
  static final int CALLERS = 2;
  /**
   * Allowed growth after warm-up (heap and allocator noise is about +-40 MB here). Leaking even one
   * small tensor per face (~3 KB with its native bookkeeping) would exceed it; leaking a batch's
   * arrays would add gigabytes.
   */
  static final long TOLERANCE_KB = 64 * 1024;

  @Test
  void residentMemoryStaysFlat() throws Exception {
    Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/self/status")), "needs /proc/self/status (Linux)");
    io.emotionstream.model.ModelArtifact faceApi = SampleFaces.faceApiArtifactOrSkip();
    List<Mat> crops = randomCrops(PER_CALL);
    try (EmotionClassifier classifier = EmotionClassifiers.open(faceApi, InferenceConfig.defaults())) {
      run(classifier, crops, WARM_UP);
      long[] start = memoryKb();
      List<long[]> samples = new ArrayList<>();
      int rounds = 4;
      for (int r = 0; r < rounds; r++) {
        run(classifier, crops, CLASSIFICATIONS / rounds);
        samples.add(memoryKb());
      }
      // a leak grows steadily, so even the smaller of the last two samples shows it; allocator and
      // heap noise goes up and down
      long[] last = samples.get(rounds - 1);
      long[] before = samples.get(rounds - 2);
      long rssGrowth = Math.min(last[0], before[0]) - start[0];
      long nativeGrowth = Math.min(last[0] - last[1], before[0] - before[1]) - (start[0] - start[1]);
      String report = String.format("after %d warm-up classifications VmRSS %d MB (Java heap committed %d MB);"
              + " after each further %d: VmRSS %s MB, heap committed %s MB; growth VmRSS %+d MB, VmRSS minus heap %+d MB",
          WARM_UP, start[0] / 1024, start[1] / 1024, CLASSIFICATIONS / rounds,
          samples.stream().map(s -> Long.toString(s[0] / 1024)).toList(),
          samples.stream().map(s -> Long.toString(s[1] / 1024)).toList(),
          rssGrowth / 1024, nativeGrowth / 1024);
      System.out.println(report);
      Files.writeString(Path.of("target/soak-rss.txt"), report + System.lineSeparator());
      assertTrue(nativeGrowth < TOLERANCE_KB, report);
    }
  }

  private static void run(EmotionClassifier classifier, List<Mat> crops, int total) throws Exception {
    ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
    List<Future<Integer>> done = new ArrayList<>();
    int calls = total / (PER_CALL * CALLERS);
    for (int c = 0; c < CALLERS; c++) {
      done.add(callers.submit(() -> {
        int n = 0;
        for (int i = 0; i < calls; i++) {
          n += classifier.classify(crops).size();
        }
        return n;
      }));
    }
    for (Future<Integer> f : done) {
      assertEquals(calls * PER_CALL, f.get(10, TimeUnit.MINUTES));
    }
    callers.shutdown();
    System.gc();
  }

  static List<Mat> randomCrops(int n) {
    Random random = new Random(42);
    List<Mat> crops = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Mat m = new Mat(112, 112, opencv_core.CV_8UC3);
      byte[] px = new byte[112 * 112 * 3];
      random.nextBytes(px);
      m.data().put(px);
      crops.add(m);
    }
    return crops;
  }

  /** VmRSS and the Java heap's committed size, in KB. */
  static long[] memoryKb() throws IOException {
    long heap = java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted() / 1024;
    return new long[] {rssKb(), heap};
  }

  static long rssKb() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }
}
