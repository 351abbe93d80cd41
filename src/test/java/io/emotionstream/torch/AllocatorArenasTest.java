package io.emotionstream.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.emotionstream.testing.LauncherAllocator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Under jemalloc (a child JVM with the launcher's preload and settings) threads are started until
 * jemalloc has placed two in arena 0; both must leave it for one arena created once, and a thread elsewhere must stay where
 * it is. Without jemalloc (this test's own JVM, unless preloaded) nothing moves.
 */
class AllocatorArenasTest {

  /** The child: starts parked threads until one is in arena 0, moves it, prints what happened. */
  public static final class Probe {
    public static void main(String[] args) throws Exception {
      if (!AllocatorArenas.available()) {
        System.out.println("no-jemalloc");
        return;
      }
      CountDownLatch done = new CountDownLatch(1);
      List<Thread> parked = new ArrayList<>();
      boolean keptOne = false;
      int moved = 0;
      for (int i = 0; i < 4000; i++) {
        AtomicReference<String> line = new AtomicReference<>();
        CountDownLatch reported = new CountDownLatch(1);
        Thread t = new Thread(() -> {
          int before = AllocatorArenas.currentArena();
          int returned = AllocatorArenas.leaveArenaZero();
          line.set(before + " " + returned + " " + AllocatorArenas.currentArena());
          reported.countDown();
          try {
            done.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
        t.setDaemon(true);
        t.start();
        parked.add(t);
        reported.await(10, TimeUnit.SECONDS);
        String[] f = line.get().split(" ");
        if (f[0].equals("0")) {
          System.out.println("moved " + line.get() + " after " + parked.size() + " threads");
          if (++moved == 2) {
            break;
          }
          continue;
        }
        if (!keptOne) {
          System.out.println("kept " + line.get());
          keptOne = true;
        }
      }
      done.countDown();
    }
  }

  @Test
  void withoutJemallocNothingMoves() {
    assumeTrue(!AllocatorArenas.available(), "this test JVM runs under jemalloc");
    assertEquals(-1, AllocatorArenas.currentArena());
    assertEquals(-1, AllocatorArenas.leaveArenaZero());
  }

  @Test
  void aThreadInArenaZeroMovesAndOthersStay() throws Exception {
    assumeTrue(Files.exists(LauncherAllocator.JEMALLOC), "jemalloc is not installed here: " + LauncherAllocator.JEMALLOC);
    List<String> lines = child();
    String kept = lines.stream().filter(l -> l.startsWith("kept ")).findFirst()
        .orElseThrow(() -> new AssertionError("no thread outside arena 0 reported: " + lines));
    String[] k = kept.split(" ");
    assertTrue(Integer.parseInt(k[1]) > 0, kept);
    assertEquals(k[1], k[2], "a thread outside arena 0 keeps its arena: " + kept);
    assertEquals(k[1], k[3], "a thread outside arena 0 keeps its arena: " + kept);
    List<String> moved = lines.stream().filter(l -> l.startsWith("moved ")).toList();
    assertEquals(2, moved.size(), "two threads found in arena 0 in 4000: " + lines);
    for (String line : moved) {
      String[] m = line.split(" ");
      assertEquals("0", m[1], line);
      assertTrue(Integer.parseInt(m[2]) > 0, "the thread left arena 0: " + line);
      assertEquals(m[2], m[3], "the thread now allocates from the arena it was moved to: " + line);
    }
    assertEquals(moved.get(0).split(" ")[2], moved.get(1).split(" ")[2],
        "threads leaving arena 0 share one arena, not one created each time: " + moved);
  }

  private static List<String> child() throws Exception {
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-cp", System.getProperty("java.class.path"), Probe.class.getName());
    Map<String, String> env = new HashMap<>(builder.environment());
    env.remove("MALLOC_CONF");
    assertTrue(LauncherAllocator.apply(env, LauncherAllocator.Work.PROCESSING), "jemalloc preloaded");
    builder.environment().putAll(env);
    builder.redirectError(ProcessBuilder.Redirect.INHERIT);
    Process p = builder.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the probe finished");
    assertEquals(0, p.exitValue(), "the probe's exit status; its output: " + out);
    assertTrue(!out.contains("no-jemalloc"), "the child runs under jemalloc: " + out);
    return out.lines().toList();
  }
}
