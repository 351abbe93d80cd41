package io.emotionstream.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.testing.LauncherAllocator;
import io.emotionstream.testing.LauncherAllocator.Work;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The environment the {@code emotion-stream} launcher gives each command: a copy of the launcher in a
 * folder of its own (with a build marker newer than anything, so it never builds) runs a stand-in
 * {@code java} found first on the PATH, which prints the allocator variables it was started with.
 * Processing commands get the processing decay, {@code train} and {@code bench train} training's, a
 * caller's {@code MALLOC_CONF} wins and {@code EMOTION_STREAM_JEMALLOC=0} preloads nothing.
 */
class LauncherEnvironmentTest {

  @TempDir Path dir;
  private Path launcher;

  @BeforeEach
  void copyLauncher() throws IOException {
    Path root = Files.createDirectories(dir.resolve("root"));
    launcher = Files.copy(Path.of("emotion-stream"), root.resolve("emotion-stream"));
    Files.createDirectories(root.resolve("target"));
    Files.writeString(root.resolve("target/runtime-classpath.txt"), "none");
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path java = bin.resolve("java");
    Files.writeString(java, "#!/bin/sh\necho \"MALLOC_CONF=${MALLOC_CONF-unset}\"\necho \"LD_PRELOAD=${LD_PRELOAD-unset}\"\n"
        + "echo \"OMP_WAIT_POLICY=${OMP_WAIT_POLICY-unset}\"\nfor a in \"$@\"; do echo \"arg=$a\"; done\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @Test
  void processingAndTrainingGetTheirOwnDecay() throws Exception {
    boolean jemalloc = Files.isRegularFile(LauncherAllocator.JEMALLOC);
    String processing = jemalloc ? LauncherAllocator.mallocConf(Work.PROCESSING) : "unset";
    String training = jemalloc ? LauncherAllocator.mallocConf(Work.TRAINING) : "unset";
    assertTrue(!jemalloc || !processing.equals(training), "two settings: " + processing);
    for (List<String> command : List.of(List.of("process"), List.of("demo", "--once"), List.of("ingest"),
        List.of("bench", "stream"), List.of("dashboard"), List.of("evaluate"))) {
      assertEquals(processing, launch(Map.of(), command).get("MALLOC_CONF"), "MALLOC_CONF of " + command);
    }
    for (List<String> command : List.of(List.of("train", "--data", "x.csv"), List.of("bench", "train"))) {
      assertEquals(training, launch(Map.of(), command).get("MALLOC_CONF"), "MALLOC_CONF of " + command);
    }
    Map<String, String> process = launch(Map.of(), List.of("process", "--help"));
    assertEquals(jemalloc ? LauncherAllocator.JEMALLOC.toString() : "unset", process.get("LD_PRELOAD"));
    assertEquals("PASSIVE", process.get("OMP_WAIT_POLICY"));
    assertEquals("process --help", process.get("args"), "the command's arguments passed on in order");
  }

  @Test
  void theCallersSettingsWin() throws Exception {
    assertEquals("dirty_decay_ms:1000", launch(Map.of("MALLOC_CONF", "dirty_decay_ms:1000"), List.of("train"))
        .get("MALLOC_CONF"));
    Map<String, String> off = launch(Map.of("EMOTION_STREAM_JEMALLOC", "0"), List.of("process"));
    assertEquals("unset", off.get("MALLOC_CONF"));
    assertEquals("unset", off.get("LD_PRELOAD"));
    assertEquals("ACTIVE", launch(Map.of("OMP_WAIT_POLICY", "ACTIVE"), List.of("process")).get("OMP_WAIT_POLICY"));
  }

  /** Runs the launcher copy; returns the stand-in's variables and its last arguments (after Main). */
  private Map<String, String> launch(Map<String, String> extra, List<String> args) throws Exception {
    List<String> command = new ArrayList<>(List.of("bash", launcher.toString()));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    Map<String, String> env = builder.environment();
    env.remove("MALLOC_CONF");
    env.remove("LD_PRELOAD");
    env.remove("OMP_WAIT_POLICY");
    env.remove("EMOTION_STREAM_JEMALLOC");
    env.put("PATH", dir.resolve("bin") + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
    env.putAll(extra);
    Process process = builder.start();
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the launcher did not finish");
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, process.exitValue(), out);
    Map<String, String> seen = new HashMap<>();
    List<String> after = new ArrayList<>();
    boolean main = false;
    for (String line : out.split("\n")) {
      if (line.startsWith("arg=")) {
        String arg = line.substring(4);
        if (main) {
          after.add(arg);
        }
        main |= arg.equals("io.emotionstream.cli.Main");
      } else if (line.contains("=")) {
        seen.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
      }
    }
    assertTrue(main, "the launcher starts io.emotionstream.cli.Main: " + out);
    seen.put("args", String.join(" ", after));
    return seen;
  }
}
