package io.emotionstream.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.emotionstream.ingest.testcamera.MjpegTestCamera;
import io.emotionstream.kafka.EmbeddedKafka;
import io.emotionstream.testing.PrometheusText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cameras failing at random under one {@code ingest} process (its own JVM): HTTP MJPEG cameras
 * and, where GStreamer is installed, an RTSP camera are killed, stalled and brought back at
 * seeded random moments, for {@code ingest.chaos.minutes} (1.5 by default; {@code
 * scripts/ingest-chaos.sh --minutes 20} for the long run). The process must never exit, every
 * camera must stream again once its failure ends (no camera lost), and the process must not grow:
 * resident memory, threads and open files are sampled every 10 s and compared between the end of
 * the first third and the end. Prints a table and the seed; appends it to target/chaos/ingest-summary.txt.
 */
class IngestChaosIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One camera the chaos works on. */
  private interface Victim {
    void fail(boolean stall) throws Exception;

    void heal() throws Exception;

    String url();
  }

  @Test
  void noExitNoGrowthAndNoCameraLostWhileCamerasFailAtRandom(@TempDir Path dir) throws Exception {
    double minutes = Double.parseDouble(System.getProperty("ingest.chaos.minutes", "1.5"));
    String seedProperty = System.getProperty("ingest.chaos.seed", "");
    long seed = seedProperty.isBlank() ? System.nanoTime() : Long.parseLong(seedProperty.trim());
    System.out.printf("[ingest-chaos] seed %d, %.1f minutes (rerun: -Dingest.chaos.seed=%d)%n", seed, minutes, seed);
    Random random = new Random(seed);
    Map<String, Victim> victims = new LinkedHashMap<>();
    List<AutoCloseable> cameras = new ArrayList<>();
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      for (int i = 0; i < 4; i++) {
        MjpegTestCamera c = MjpegTestCamera.start(MjpegTestCamera.Options.of(320, 240, i % 2 == 0 ? 10 : 25)
            .withContentLength(i != 3));
        cameras.add(c);
        victims.put("mjpeg-" + i, new Victim() {
          @Override
          public void fail(boolean stall) {
            if (stall) {
              c.stall();
            } else {
              c.kill();
            }
          }

          @Override
          public void heal() throws IOException {
            c.resume();
            c.restart();
          }

          @Override
          public String url() {
            return c.mjpegUrl();
          }
        });
      }
      if (RtspTestCamera.available()) {
        RtspTestCamera r = RtspTestCamera.start(320, 240, 10, null, null, dir.resolve("rtsp.log"));
        cameras.add(r);
        victims.put("rtsp", new Victim() {
          @Override
          public void fail(boolean stall) throws Exception {
            if (stall) {
              r.freeze();
            } else {
              r.kill();
            }
          }

          @Override
          public void heal() throws Exception {
            r.thaw();
            r.restart();
          }

          @Override
          public String url() {
            return r.url();
          }
        });
      } else {
        System.out.println("[ingest-chaos] no RTSP camera: " + RtspTestCamera.MISSING);
      }
      StringBuilder list = new StringBuilder("cameras:\n");
      victims.forEach((id, v) -> list.append("  - {id: ").append(id).append(", url: \"").append(v.url()).append("\", fps: 2}\n"));
      Path cameraFile = Files.writeString(dir.resolve("cameras.yaml"), list);
      Path log = Path.of("target", "chaos", "ingest-" + seed + ".log").toAbsolutePath();
      Files.deleteIfExists(log);
      try (IngestProcess ingest = IngestProcess.launch(kafka.bootstrapServers(), cameraFile, Map.of(),
          List.of("ingest.read-timeout-ms=3000", "ingest.fps=2"), log)) {
        awaitAllStreaming(ingest, victims.keySet(), 90);
        long start = System.nanoTime();
        long checkpoint = start + (long) (minutes * 20e9);
        long heapAtCheckpoint = -1;
        long end = start + (long) (minutes * 60e9);
        long nextSample = start;
        Map<String, Long> healAt = new LinkedHashMap<>();
        Map<String, Integer> kills = new LinkedHashMap<>();
        Map<String, Integer> stalls = new LinkedHashMap<>();
        List<long[]> samples = new ArrayList<>(); // seconds, rss kB, threads, fds, heap bytes
        while (System.nanoTime() < end) {
          assertTrue(ingest.alive(), "ingest exited during the chaos; see " + log);
          long now = System.nanoTime();
          for (Map.Entry<String, Victim> v : victims.entrySet()) {
            Long heal = healAt.get(v.getKey());
            if (heal != null && now >= heal) {
              v.getValue().heal();
              healAt.remove(v.getKey());
            } else if (heal == null && random.nextDouble() < 0.08) { // about every 12 s per camera
              boolean stall = random.nextBoolean();
              v.getValue().fail(stall);
              (stall ? stalls : kills).merge(v.getKey(), 1, Integer::sum);
              healAt.put(v.getKey(), now + (long) ((1 + random.nextDouble() * 9) * 1e9));
            }
          }
          if (heapAtCheckpoint < 0 && now >= checkpoint) {
            heapAtCheckpoint = heapAfterGc(ingest);
          }
          if (now >= nextSample) {
            samples.add(sample(ingest, (now - start) / 1_000_000_000L));
            nextSample += 10_000_000_000L;
          }
          Thread.sleep(1000);
        }
        for (Victim v : victims.values()) {
          v.heal();
        }
        long healed = System.nanoTime();
        JsonNode status = awaitAllStreaming(ingest, victims.keySet(), 30);
        long recoverMs = (System.nanoTime() - healed) / 1_000_000;
        samples.add(sample(ingest, (System.nanoTime() - start) / 1_000_000_000L));
        long heapAtEnd = heapAfterGc(ingest);
        threadDump(ingest, log.resolveSibling("ingest-" + seed + "-threads.txt"));
        List<String> table = new ArrayList<>();
        table.add(String.format(Locale.ROOT, "seed %d, %.1f min, %d cameras: every camera streaming again %d ms after the"
            + " last failure ended", seed, minutes, victims.size(), recoverMs));
        table.add("camera | kills | stalls | reconnects | frames read | sent | dropped");
        for (JsonNode c : status.path("cameras")) {
          String id = c.path("id").asText();
          table.add(String.format(Locale.ROOT, "%s | %d | %d | %d | %d | %d | %d", id, kills.getOrDefault(id, 0),
              stalls.getOrDefault(id, 0), c.path("reconnects").asLong(), c.path("framesRead").asLong(),
              c.path("framesSent").asLong(), c.path("framesDropped").asLong()));
        }
        table.add(String.format(Locale.ROOT, "heap after a full collection: %.1f MB after a third of the run, %.1f MB at the end",
            heapAtCheckpoint / 1048576.0, heapAtEnd / 1048576.0));
        table.add("second | resident MB | heap MB | threads without ops-http (Java threads) | open files");
        for (long[] s : samples) {
          table.add(String.format(Locale.ROOT, "%d | %.1f | %.1f | %d (%d) | %d", s[0], s[1] / 1024.0, s[4] / 1048576.0, s[2],
              s[5], s[3]));
        }
        table.forEach(l -> System.out.println("[ingest-chaos] " + l));
        Path summary = Path.of("target", "chaos", "ingest-summary.txt");
        Files.createDirectories(summary.getParent());
        Files.write(summary, table, StandardOpenOption.CREATE, StandardOpenOption.APPEND);

        assertTrue(ingest.alive(), "ingest is still running");
        int totalFailures = kills.values().stream().mapToInt(Integer::intValue).sum()
            + stalls.values().stream().mapToInt(Integer::intValue).sum();
        assertTrue(totalFailures >= victims.size(), "the chaos did fail the cameras: " + totalFailures);
        long[] third = samples.get(Math.max(1, samples.size() / 3));
        long[] last = samples.get(samples.size() - 1);
        assertTrue(heapAtEnd - heapAtCheckpoint < 16 << 20, "heap after a full collection grew from "
            + heapAtCheckpoint / 1048576 + " to " + heapAtEnd / 1048576 + " MB");
        assertTrue(last[1] - third[1] < 150 * 1024, "resident memory grew from " + third[1] / 1024 + " to " + last[1] / 1024 + " MB");
        assertTrue(last[2] - third[2] <= 4, "threads grew from " + third[2] + " to " + last[2]);
        assertTrue(last[3] - third[3] <= 8, "open files grew from " + third[3] + " to " + last[3]);
        assertEquals(0, ingest.stop(60) == -1 ? 1 : 0, "ingest stopped on SIGTERM");
      }
    } finally {
      for (AutoCloseable c : cameras) {
        c.close();
      }
    }
  }

  private static JsonNode awaitAllStreaming(IngestProcess ingest, java.util.Set<String> ids, int seconds) throws Exception {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      assertTrue(ingest.alive(), "ingest exited; see " + ingest.log());
      try {
        var r = ingest.get("/api/cameras");
        if (r.statusCode() == 200) {
          last = JSON.readTree(r.body());
          long streaming = 0;
          for (JsonNode c : last.path("cameras")) {
            streaming += "streaming".equals(c.path("state").asText()) && c.path("lastFrameAgeSeconds").asDouble(99) < 2 ? 1 : 0;
          }
          if (streaming == ids.size()) {
            return last;
          }
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(250);
    }
    throw new AssertionError("not every camera streaming within " + seconds + " s: " + last);
  }

  /** The live threads of the process by name (numbers folded), for a look at what grew. */
  private static void threadDump(IngestProcess ingest, Path file) throws Exception {
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
        Long.toString(ingest.pid()), "Thread.print").redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    p.waitFor();
    Files.write(file, out);
  }

  /** Heap in use right after a full collection ({@code jcmd GC.run}), in bytes. */
  private static long heapAfterGc(IngestProcess ingest) throws Exception {
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
        Long.toString(ingest.pid()), "GC.run").redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    p.waitFor();
    return sample(ingest, 0)[4];
  }

  /**
   * seconds, resident kB, threads, open file descriptors, heap bytes used, Java threads. Threads
   * are counted without the operations server's request pool ("ops-http"), a fixed pool that starts
   * a thread per request until it has all of them (40), which a test polling the port fills.
   */
  private static long[] sample(IngestProcess ingest, long second) throws Exception {
    long rss = 0;
    long threads = 0;
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(ingest.pid()), "status"))) {
      if (line.startsWith("VmRSS:")) {
        rss = Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    try (var tasks = Files.list(Path.of("/proc", Long.toString(ingest.pid()), "task"))) {
      for (Path task : tasks.toList()) {
        try {
          threads += Files.readString(task.resolve("comm")).strip().equals("ops-http") ? 0 : 1;
        } catch (IOException e) {
          // the thread ended meanwhile
        }
      }
    }
    long fds;
    try (var s = Files.list(Path.of("/proc", Long.toString(ingest.pid()), "fd"))) {
      fds = s.count();
    }
    PrometheusText metrics = PrometheusText.parse(ingest.body("/metrics"));
    double heap = metrics.sum("jvm_memory_used_bytes", series -> series.has("area", "heap"));
    List<PrometheusText.Series> live = metrics.series("jvm_threads_live_threads", series -> true);
    long javaThreads = live.isEmpty() ? -1 : (long) live.get(0).value();
    return new long[] {second, rss, threads, fds, (long) heap, javaThreads};
  }
}
