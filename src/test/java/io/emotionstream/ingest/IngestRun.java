package io.emotionstream.ingest;

import io.emotionstream.config.Settings;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/** An {@link IngestService} in the test's JVM, on a camera list file the test writes and edits. */
final class IngestRun implements AutoCloseable {

  final Settings settings;
  final Path cameraFile;
  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  final IngestService service;

  private IngestRun(Settings settings, Path cameraFile) {
    this.settings = settings;
    this.cameraFile = cameraFile;
    this.service = IngestService.start(settings, cameraFile, registry);
  }

  /** Settings for a test against {@code bootstrap}: quick list checks, no ops port, one partition. */
  static Settings settings(String bootstrap, Map<String, String> more) {
    Map<String, String> s = new HashMap<>(Map.of("bootstrap.servers", bootstrap, "ops.port", "0",
        "topics.partitions", "1", "ingest.reload-check-ms", "500"));
    s.putAll(more);
    return Settings.defaults().with(s, "test");
  }

  static IngestRun start(Settings settings, Path dir, String cameraList) throws IOException {
    Path file = dir.resolve("cameras.yaml");
    Files.writeString(file, cameraList);
    return new IngestRun(settings, file);
  }

  /** Replaces the camera list file (as an editor would: a new file moved over the old one). */
  void rewrite(String cameraList) throws IOException {
    Path tmp = cameraFile.resolveSibling("cameras.yaml.tmp");
    Files.writeString(tmp, cameraList);
    Files.move(tmp, cameraFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  CameraStatus status(String id) {
    return service.cameras().stream().filter(c -> c.id().equals(id)).findFirst()
        .orElseThrow(() -> new AssertionError("no camera " + id + " in " + service.cameras()));
  }

  boolean listed(String id) {
    return service.cameras().stream().anyMatch(c -> c.id().equals(id));
  }

  /** Waits until {@code condition} holds for camera {@code id}; fails with its status otherwise. */
  CameraStatus await(String id, String what, Predicate<CameraStatus> condition, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (listed(id) && condition.test(status(id))) {
        return status(id);
      }
      Thread.sleep(50);
    }
    throw new AssertionError("camera " + id + ": not " + what + " within " + timeout + ": "
        + (listed(id) ? status(id) : "not listed"));
  }

  @Override
  public void close() {
    service.close();
    registry.close();
  }
}
