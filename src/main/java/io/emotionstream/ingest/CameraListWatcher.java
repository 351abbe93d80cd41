package io.emotionstream.ingest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks at the camera list file every {@code ingest.reload-check-ms} and calls back when its
 * content changed. The content is compared, not the modification time or file events: a
 * Kubernetes ConfigMap volume swaps a symbolic link under the file, which neither changes the
 * file's own time nor reaches a {@code WatchService} on the file's directory, and editors that
 * write a new file and rename it over the old one are seen the same way.
 */
final class CameraListWatcher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CameraListWatcher.class);

  private final Path file;
  private final Duration interval;
  private final Runnable changed;
  private final Thread thread;
  private volatile boolean stopped;
  private byte[] lastDigest;
  private String lastProblem;

  CameraListWatcher(Path file, Duration interval, Runnable changed) {
    this.file = file;
    this.interval = interval;
    this.changed = changed;
    this.lastDigest = digest();
    this.thread = new Thread(this::run, "ingest-camera-list");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  private void run() {
    while (!stopped) {
      try {
        Thread.sleep(interval.toMillis());
      } catch (InterruptedException e) {
        return;
      }
      byte[] now = digest();
      if (now != null && !Arrays.equals(now, lastDigest)) {
        lastDigest = now;
        try {
          changed.run();
        } catch (RuntimeException e) {
          LOG.error("applying the changed camera list failed: {}", Redaction.describe(e));
        }
      }
    }
  }

  /** The file's SHA-256, or null when it cannot be read now (e.g. in the middle of an update). */
  private byte[] digest() {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
      lastProblem = null;
      return d;
    } catch (IOException e) {
      String problem = e.getClass().getSimpleName();
      if (!problem.equals(lastProblem)) {
        LOG.warn("cannot read camera list {} ({}); the cameras keep running as they are", file, problem);
        lastProblem = problem;
      }
      return null;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    stopped = true;
    thread.interrupt();
  }
}
