package io.emotionstream.chaos;

import io.emotionstream.Assets;
import io.emotionstream.testing.LauncherAllocator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One {@code process} instance in its own JVM, started the way the launcher starts it (jemalloc
 * preloaded when installed, {@code OMP_WAIT_POLICY=PASSIVE}), with its output in a log file. It
 * can be killed with SIGKILL ({@link Process#destroyForcibly()} on Linux) or stopped with SIGTERM.
 */
final class ProcessorProcess implements AutoCloseable {


  /**
   * Processors still running when the test JVM exits (a timeout, an interrupted build): without
   * their broker they would retry forever, so they are killed with the JVM.
   */
  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "kill-processors"));
  }

  private final String name;
  private final Process process;
  private final Path log;

  private ProcessorProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /**
   * @param settings {@code key=value} pairs passed as {@code --set}
   * @param log      where stdout and stderr go
   */
  static ProcessorProcess launch(String name, String bootstrapServers, List<String> settings, Path log)
      throws IOException {
    return launch(name, bootstrapServers, settings, log, null);
  }

  /**
   * @param classes compiled classes to run instead of this build's (another commit's
   *     {@code target/classes}, with the same dependencies), or null
   */
  static ProcessorProcess launch(String name, String bootstrapServers, List<String> settings, Path log, Path classes)
      throws IOException {
    Files.createDirectories(log.getParent());
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g",
        "-Demotionstream.assets=" + Assets.dir(),
        "-cp", classes == null ? testClasspath() : classes + java.io.File.pathSeparator + testClasspath(),
        "io.emotionstream.cli.Main", "process", "-b", bootstrapServers));
    for (String s : settings) {
      command.add("--set");
      command.add(s);
    }
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    Map<String, String> env = builder.environment();
    LauncherAllocator.apply(env, LauncherAllocator.Work.PROCESSING); // as the launcher sets it
    env.put("OMP_WAIT_POLICY", "PASSIVE");
    Process process = builder.start();
    LIVE.add(process);
    process.onExit().thenAccept(LIVE::remove);
    return new ProcessorProcess(name, process, log);
  }

  /** The test's runtime classpath; Surefire and Failsafe run tests from a manifest-only jar. */
  private static String testClasspath() {
    String cp = System.getProperty("surefire.test.class.path");
    return cp == null || cp.isBlank() ? System.getProperty("java.class.path") : cp;
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  Path log() {
    return log;
  }

  /** SIGKILL: no shutdown hook, no commit, no leaving the group; waits until the process is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** SIGTERM, the way Kubernetes stops a pod; SIGKILL after {@code graceSeconds}. */
  int stop(int graceSeconds) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(graceSeconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    return process.waitFor();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
