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
 * 22,000 classifications (6,000 warm-up + 16,000 measured) through the whole path (pre-processing, batcher, worker, DJL predictor)
 * with the small bootstrap model; resident memory after warm-up must stay flat, which shows that
 * every batch's native arrays are freed. Run alone with
 * {@code mvn test -Dtest=NativeMemorySoakTest} (tag {@code soak}).
 */
@Tag("soak")
class NativeMemorySoakTest {

  /** Resident memory settles after ~6,000 (Java heap sizing, allocator arenas): measured from then on. */
  static final int WARM_UP = 6_000;
  static final int CLASSIFICATIONS = 16_000;
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
    SampleFaces.defaultArtifactOrSkip();
    List<Mat> crops = randomCrops(PER_CALL);
    try (EmotionClassifier classifier = EmotionClassifiers.open(null, InferenceConfig.defaults())) {
      run(classifier, crops, WARM_UP);
      long start = rssKb();
      List<Long> samples = new ArrayList<>();
      int rounds = 4;
      for (int r = 0; r < rounds; r++) {
        run(classifier, crops, CLASSIFICATIONS / rounds);
        samples.add(rssKb());
      }
      long end = samples.get(samples.size() - 1);
      String report = String.format("VmRSS after %d warm-up: %d MB; after each further %d: %s MB; growth %+d MB",
          WARM_UP, start / 1024, CLASSIFICATIONS / rounds,
          samples.stream().map(s -> Long.toString(s / 1024)).toList(), (end - start) / 1024);
      System.out.println(report);
      Files.writeString(Path.of("target/soak-rss.txt"), report + System.lineSeparator());
      assertTrue(end - start < TOLERANCE_KB, report);
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

  static long rssKb() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }
}
