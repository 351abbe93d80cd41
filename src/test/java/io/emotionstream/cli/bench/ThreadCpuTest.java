package io.emotionstream.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThreadCpuTest {

  private static final List<ThreadCpu.Group> GROUPS = List.of(
      new ThreadCpu.Group("detection", List.of("mtcnn-worker")),
      new ThreadCpu.Group("jitCompiler", List.of("C1 CompilerThre", "C2 CompilerThre")));

  /** A {@code stat} line as the kernel writes it: utime and stime are fields 14 and 15. */
  private static void thread(Path tasks, int tid, String comm, long utime, long stime) throws IOException {
    Path dir = Files.createDirectories(tasks.resolve(Integer.toString(tid)));
    Files.writeString(dir.resolve("stat"), tid + " (" + comm + ") S 1 1 1 0 -1 4194560 100 0 0 0 " + utime + " "
        + stime + " 0 0 20 0 30 0 12345 0 0\n");
  }

  @Test
  void sumsEachGroupsTicksBetweenTwoSnapshots(@TempDir Path tasks) throws IOException {
    ThreadCpu cpu = new ThreadCpu(tasks, GROUPS);
    thread(tasks, 11, "mtcnn-worker-0", 100, 20);
    thread(tasks, 12, "mtcnn-worker-1", 50, 0);
    thread(tasks, 13, "C2 CompilerThre", 400, 0);
    thread(tasks, 14, "odd) name (x", 7, 0);
    thread(tasks, 15, "leaves", 1000, 0);
    ThreadCpu.Snapshot start = cpu.snapshot();
    thread(tasks, 11, "mtcnn-worker-0", 250, 30); // +160 ticks
    thread(tasks, 12, "mtcnn-worker-1", 190, 0); // +140
    thread(tasks, 13, "C2 CompilerThre", 460, 0); // +60
    thread(tasks, 14, "odd) name (x", 27, 0); // +20
    Files.delete(tasks.resolve("15/stat"));
    Files.delete(tasks.resolve("15"));
    thread(tasks, 16, "kafka-producer-", 30, 10); // started in between: +40
    Map<String, Double> cores = cpu.coresByGroup(start, cpu.snapshot(), 2_000_000_000L);
    assertEquals(List.of("detection", "jitCompiler", "other"), List.copyOf(cores.keySet()));
    assertEquals(1.5, cores.get("detection"), 1e-9); // 300 ticks = 3 s in 2 s
    assertEquals(0.3, cores.get("jitCompiler"), 1e-9);
    assertEquals(0.3, cores.get("other"), 1e-9); // the odd name and the new thread; the ended one is lost
  }

  @Test
  void noFiguresWithoutProc(@TempDir Path dir) {
    ThreadCpu cpu = new ThreadCpu(dir.resolve("absent"), GROUPS);
    ThreadCpu.Snapshot none = cpu.snapshot();
    assertTrue(none.ticks().isEmpty());
    assertTrue(cpu.coresByGroup(none, none, 1_000_000_000L).isEmpty());
  }

  @Test
  void aBusyThreadOfThisProcessCountsInItsGroup() throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "no /proc/self/task (not Linux)");
    ThreadCpu cpu = new ThreadCpu(GROUPS);
    AtomicBoolean stop = new AtomicBoolean();
    Thread busy = new Thread(() -> {
      long x = 0;
      while (!stop.get()) {
        x += System.nanoTime() % 7;
      }
      if (x == 42) {
        System.out.println(x);
      }
    }, "mtcnn-worker-test");
    busy.start();
    Thread.sleep(50); // named and running before the first snapshot
    ThreadCpu.Snapshot start = cpu.snapshot();
    long wall0 = System.nanoTime();
    Thread.sleep(600);
    ThreadCpu.Snapshot end = cpu.snapshot();
    long wall = System.nanoTime() - wall0;
    stop.set(true);
    busy.join();
    Map<String, Double> cores = cpu.coresByGroup(start, end, wall);
    // a spinning thread gets most of a core even on a shared machine; 0.2 leaves room for other load
    assertTrue(cores.get("detection") > 0.2 && cores.get("detection") <= 1.05, "detection cores: " + cores);
  }
}
