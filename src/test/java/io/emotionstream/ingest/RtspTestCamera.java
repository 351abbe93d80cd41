package io.emotionstream.ingest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real RTSP camera for tests: GStreamer's RTSP server from Debian's packages, driven by
 * {@code scripts/test-camera-rtsp.py} in its own process (H.264, numbered frames). It can be
 * killed and started again on the same port, and stopped with SIGSTOP (its connections stay open
 * and send nothing: a hung camera) and continued.
 */
final class RtspTestCamera implements AutoCloseable {

  private static final Path PYTHON = Path.of("/usr/bin/python3");
  private static final Path SCRIPT = Path.of("scripts", "test-camera-rtsp.py").toAbsolutePath();
  private static Boolean available;

  private final List<String> command;
  private final Path log;
  private final int port;
  private Process process;

  private RtspTestCamera(List<String> command, Path log, int port) {
    this.command = command;
    this.log = log;
    this.port = port;
  }

  /**
   * Whether GStreamer's RTSP server can be driven from Debian's Python here ({@code .ci/run}
   * installs it: gir1.2-gst-rtsp-server-1.0 python3-gi gstreamer1.0-plugins-{base,good,ugly}).
   */
  static synchronized boolean available() {
    if (available == null) {
      try {
        Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import gi; gi.require_version('Gst', '1.0');"
            + " gi.require_version('GstRtspServer', '1.0'); from gi.repository import Gst, GstRtspServer; Gst.init(None);"
            + " import sys; sys.exit(0 if Gst.ElementFactory.find('x264enc') else 1)")
            .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        available = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
      } catch (IOException | InterruptedException e) {
        available = false;
      }
    }
    return available;
  }

  static final String MISSING = "GStreamer's RTSP server is not installed (apt-get install gir1.2-gst-rtsp-server-1.0"
      + " python3-gi gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-ugly; .ci/run does)";

  /**
   * @param passwordFile with {@code user}: the camera asks for these credentials; null = none
   */
  static RtspTestCamera start(int width, int height, int fps, String user, Path passwordFile, Path log)
      throws IOException, InterruptedException {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    List<String> command = new ArrayList<>(List.of(PYTHON.toString(), SCRIPT.toString(), "--port", Integer.toString(port),
        "--width", Integer.toString(width), "--height", Integer.toString(height), "--fps", Integer.toString(fps),
        "--key-interval", Integer.toString(fps)));
    if (user != null) {
      command.addAll(List.of("--user", user, "--password-file", passwordFile.toString()));
    }
    RtspTestCamera camera = new RtspTestCamera(command, log, port);
    camera.launch();
    return camera;
  }

  private void launch() throws IOException, InterruptedException {
    Files.createDirectories(log.getParent());
    process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    String line;
    while ((line = out.readLine()) != null) {
      if (line.startsWith("ready ")) {
        return;
      }
      if (System.nanoTime() > deadline) {
        break;
      }
    }
    process.destroyForcibly().waitFor();
    throw new IOException("the RTSP test camera did not start (see " + log + ")");
  }

  String url() {
    return "rtsp://127.0.0.1:" + port + "/live";
  }

  /** The URL with user info, for cameras whose list gives the password in the URL. */
  String url(String user, String password) {
    return "rtsp://" + user + ":" + password + "@127.0.0.1:" + port + "/live";
  }

  /** SIGKILL: the camera dies, its connections close. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  /** Starts it again on the same port. */
  void restart() throws IOException, InterruptedException {
    if (process.isAlive()) {
      return;
    }
    launch();
  }

  /** SIGSTOP: connections stay open and nothing is sent (a hung camera). */
  void freeze() throws IOException, InterruptedException {
    signal("STOP");
  }

  /** SIGCONT (nothing when the camera is not running). */
  void thaw() throws IOException, InterruptedException {
    if (process.isAlive()) {
      signal("CONT");
    }
  }

  private void signal(String name) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
    if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("kill -" + name + " " + process.pid() + " failed");
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      try {
        thaw();
      } catch (IOException e) {
        // it is killed next anyway
      }
      process.destroyForcibly().waitFor();
    }
  }
}
