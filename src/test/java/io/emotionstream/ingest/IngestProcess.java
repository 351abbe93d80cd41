package io.emotionstream.ingest;

import io.emotionstream.Assets;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code ingest} in its own JVM, started as the launcher starts it, with the production logging
 * configuration, its stdout and stderr in a log file and its operations port on a free port.
 */
final class IngestProcess implements AutoCloseable {

  /** {@code env --default-signal=HUP} where this machine's env has that option (coreutils 8.31+). */
  private static final List<String> DEFAULT_HANGUP = defaultHangup();


  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "kill-ingest"));
  }

  private final Process process;
  private final Path log;
  private final int port;
  private final HttpClient http = HttpClient.newHttpClient();

  private IngestProcess(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /**
   * @param env added to the child's environment (e.g. a password variable)
   * @param settings {@code key=value} passed as {@code --set}
   */
  static IngestProcess launch(String bootstrap, Path cameras, Map<String, String> env, List<String> settings, Path log)
      throws IOException {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    Files.createDirectories(log.getParent());
    List<String> command = new ArrayList<>();
    // SIGHUP back to its default: a test run started under nohup would otherwise hand the ingest
    // process an ignored SIGHUP, which no handler can take back (HangupReload says so and skips)
    command.addAll(DEFAULT_HANGUP);
    command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-Demotionstream.assets=" + Assets.dir(),
        // the production logging configuration, not the tests' (logback-test.xml is on the test class path)
        "-Dlogback.configurationFile=" + Path.of("target", "classes", "logback.xml").toAbsolutePath(),
        "-cp", classpath(), "io.emotionstream.cli.Main", "ingest", "-b", bootstrap, "--cameras", cameras.toString(),
        "--set", "ops.port=" + port, "--stats-interval", "2"));
    for (String s : settings) {
      command.add("--set");
      command.add(s);
    }
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(env);
    Process p = builder.start();
    LIVE.add(p);
    p.onExit().thenAccept(LIVE::remove);
    return new IngestProcess(p, log, port);
  }

  private static String classpath() {
    String cp = System.getProperty("surefire.test.class.path");
    return cp == null || cp.isBlank() ? System.getProperty("java.class.path") : cp;
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  Path log() {
    return log;
  }

  /** GET on the operations port: status code and body (-1 and the error when it does not answer). */
  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The body of a GET, or "" when the port does not answer yet. */
  String body(String path) throws InterruptedException {
    try {
      return get(path).body();
    } catch (IOException e) {
      return "";
    }
  }

  /** The command line the process runs with, as every user of the machine sees it. */
  String commandLine() throws IOException {
    return Files.readString(Path.of("/proc", Long.toString(process.pid()), "cmdline")).replace('\0', ' ');
  }

  void signal(String name) throws IOException, InterruptedException {
    Process k = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
    k.waitFor(10, TimeUnit.SECONDS);
  }

  /** SIGTERM; the exit code, or -1 when it had to be killed after {@code graceSeconds}. */
  int stop(int graceSeconds) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(graceSeconds, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      return -1;
    }
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly().waitFor();
    }
  }

  private static List<String> defaultHangup() {
    try {
      Process p = new ProcessBuilder("env", "--default-signal=HUP", "true").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor() == 0 ? List.of("env", "--default-signal=HUP") : List.of();
    } catch (IOException e) {
      return List.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    }
  }
}
