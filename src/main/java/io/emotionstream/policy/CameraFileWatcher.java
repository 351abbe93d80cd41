package io.emotionstream.policy;

import io.emotionstream.config.Settings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The camera policies in force, from the camera file ({@code cameras.file}), re-read every
 * {@code cameras.reload-ms} so that a change takes effect without a restart. The file is read in
 * full and compared by content (a Kubernetes ConfigMap is swapped through a symbolic link, an
 * editor may rewrite the file in place), so only a real change counts. A changed file that cannot
 * be used leaves the previous policies in force; it is logged and reported to the listeners once.
 *
 * <p>Without a camera file no camera is analysed.
 */
public final class CameraFileWatcher implements Supplier<CameraPolicies>, AutoCloseable {

  /** Told about every version of the camera file taken into force or refused. */
  public interface Listener {
    /** A new version is in force; {@code changes} may be empty (only comments or ingest keys changed). */
    void changed(CameraPolicies before, CameraPolicies after, List<PolicyChange> changes);

    /** A changed file could not be used; the policies before it stay in force. */
    void rejected(String file, String reason);
  }

  private static final Logger LOG = LoggerFactory.getLogger(CameraFileWatcher.class);

  private final Path file;
  private final Duration interval;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private volatile CameraPolicies current;
  private String lastSeen;
  private ScheduledExecutorService poller;

  /**
   * Reads the file once.
   *
   * @param file the camera file, or null for none (no camera is analysed)
   * @param interval how often it is read again
   * @throws CameraFileException when the file cannot be read or used
   */
  public CameraFileWatcher(Path file, Duration interval) {
    this.file = file;
    this.interval = interval;
    this.current = file == null ? CameraPolicies.none() : CameraFile.read(file);
    this.lastSeen = current.sha256();
  }

  /**
   * From {@code cameras.file} (relative: to the working directory, else to the installation
   * directory) and {@code cameras.reload-ms}.
   *
   * @throws CameraFileException naming the file and the setting's source when it cannot be used
   */
  public static CameraFileWatcher from(Settings settings) {
    long reload = settings.longValue("cameras.reload-ms");
    if (reload < 100) {
      throw new IllegalArgumentException("setting 'cameras.reload-ms' = " + reload + " from "
          + settings.source("cameras.reload-ms") + " must be at least 100");
    }
    Path file = file(settings);
    try {
      return new CameraFileWatcher(file, Duration.ofMillis(reload));
    } catch (CameraFileException e) {
      throw new CameraFileException(e.getMessage() + " (setting 'cameras.file' from " + settings.source("cameras.file")
          + ")", e);
    }
  }

  /**
   * The camera file {@code cameras.file} names (relative: in the working directory, else in the
   * installation directory), or null when the setting is empty.
   */
  public static Path file(Settings settings) {
    String name = settings.string("cameras.file", "").trim();
    return name.isEmpty() ? null : locate(Path.of(name), Path.of("").toAbsolutePath(), installation());
  }

  /** A relative file in the working directory if it is there, else in {@code home}. */
  static Path locate(Path file, Path workingDir, Path home) {
    if (file.isAbsolute()) {
      return file;
    }
    Path here = workingDir.resolve(file);
    if (Files.exists(here) || home == null) {
      return here;
    }
    Path installed = home.resolve(file);
    return Files.exists(installed) ? installed : here;
  }

  /** The installation directory: {@code emotionstream.home} (set by the launcher) or {@code EMOTION_STREAM_HOME}. */
  private static Path installation() {
    String dir = System.getProperty("emotionstream.home");
    if (dir == null || dir.isBlank()) {
      dir = System.getenv("EMOTION_STREAM_HOME");
    }
    return dir == null || dir.isBlank() ? null : Path.of(dir).toAbsolutePath();
  }

  public CameraFileWatcher addListener(Listener listener) {
    listeners.add(listener);
    return this;
  }

  /** Starts re-reading the file (nothing to do without one). */
  public synchronized CameraFileWatcher start() {
    if (file != null && poller == null) {
      poller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "camera-file-watcher");
        t.setDaemon(true);
        return t;
      });
      poller.scheduleWithFixedDelay(this::pollQuietly, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }
    return this;
  }

  /** The policies in force. */
  @Override
  public CameraPolicies get() {
    return current;
  }

  /** The camera file, or null when there is none. */
  public Path file() {
    return file;
  }

  private void pollQuietly() {
    try {
      poll();
    } catch (RuntimeException e) {
      LOG.error("checking camera file {} failed", file, e);
    }
  }

  /**
   * Reads the file now and takes a changed version into force.
   *
   * @return whether a new version was taken into force
   */
  public synchronized boolean poll() {
    if (file == null) {
      return false;
    }
    String text;
    try {
      text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    } catch (IOException e) {
      String reason = "cannot read camera file " + file + ": " + e;
      if (!reason.equals(lastSeen)) {
        lastSeen = reason;
        LOG.error("{}; the camera policies of {} stay in force", reason, current);
        tell(l -> l.rejected(file.toString(), reason));
      }
      return false;
    }
    CameraPolicies candidate;
    try {
      candidate = CameraFile.parse(text, file.toString());
    } catch (CameraFileException e) {
      String sha = new CameraPolicies(file.toString(), text, java.util.Map.of()).sha256();
      if (!sha.equals(lastSeen)) {
        lastSeen = sha;
        LOG.error("camera file changed but cannot be used, the previous version stays in force: {}", e.getMessage());
        tell(l -> l.rejected(file.toString(), e.getMessage()));
      }
      return false;
    }
    if (candidate.sha256().equals(current.sha256())) {
      lastSeen = candidate.sha256();
      return false;
    }
    CameraPolicies before = current;
    List<PolicyChange> changes = candidate.changesSince(before);
    current = candidate;
    lastSeen = candidate.sha256();
    LOG.info("camera file {} changed: {} change(s) in force", file, changes.size());
    for (PolicyChange change : changes) {
      LOG.info("  {}", change.detail());
    }
    tell(l -> l.changed(before, candidate, changes));
    return true;
  }

  /** Each listener, even if another one fails. */
  private void tell(java.util.function.Consumer<Listener> call) {
    for (Listener listener : listeners) {
      try {
        call.accept(listener);
      } catch (RuntimeException e) {
        LOG.error("a listener of camera file {} failed", file, e);
      }
    }
  }

  @Override
  public synchronized void close() {
    if (poller != null) {
      poller.shutdownNow();
      poller = null;
    }
  }
}
