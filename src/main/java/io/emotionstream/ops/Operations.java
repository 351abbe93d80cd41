package io.emotionstream.ops;

import io.emotionstream.config.Settings;
import io.emotionstream.policy.CameraFile;
import io.emotionstream.policy.CameraFileWatcher;
import io.emotionstream.policy.CameraPolicies;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The operational side of an instance, started before anything slow so that probes answer
 * (not ready) while the model loads: metrics registry, status, live event feed and HTTP server.
 */
public final class Operations implements AutoCloseable {

  private final PrometheusMeterRegistry registry;
  private final InstanceStatus status = new InstanceStatus();
  private final EventFeed feed;
  private final OpsServer server;
  private final JvmGcMetrics gcMetrics;

  private Operations(Settings settings, boolean withFeed) {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags("application", settings.string("application.id"))
        .meterFilter(new io.emotionstream.stream.StoreMeterTags());
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    gcMetrics = new JvmGcMetrics();
    gcMetrics.bindTo(registry);
    // what /health/ready answers, for alerts that outlive the probe (a pod not ready for minutes)
    io.micrometer.core.instrument.Gauge.builder("emotionstream.ready", status, s -> s.ready() ? 1 : 0)
        .description("1 while /health/ready answers 200, else 0").register(registry);
    status.advertisedAddress(settings.string("ops.advertised-address", ""));
    status.brokerTimeout(java.time.Duration.ofMillis(settings.longValue("health.broker-timeout-ms")));
    int port = settings.integer("ops.port");
    OpsOptions options = port > 0 ? OpsOptions.from(settings) : null;
    feed = withFeed && port > 0 ? new EventFeed(settings) : null;
    try {
      server = port > 0 ? OpsServer.start(options, registry, status, feed,
          new NoticePage(settings, () -> noticeCameras(settings), status::labels)) : null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the operations HTTP port " + options.bindAddress() + ":" + port
          + " (settings ops.bind-address from " + settings.source("ops.bind-address") + ", ops.port from "
          + settings.source("ops.port") + "): " + e.getMessage(), e);
    }
  }

  /**
   * The policies the notice shows: the processor's in force; on an instance without a processor
   * (the cluster-wide dashboard) the camera file read now, so that its notice says what the
   * processors do rather than that nothing happens.
   */
  private CameraPolicies noticeCameras(Settings settings) {
    if (status.processor() != null) {
      return status.cameraPolicies();
    }
    java.nio.file.Path file = CameraFileWatcher.file(settings);
    return file == null ? CameraPolicies.none() : CameraFile.read(file);
  }

  /**
   * @param withFeed whether this instance follows the events topic for its dashboard (needs the
   *     topic to exist; call {@link #startFeed()} once it does)
   */
  public static Operations start(Settings settings, boolean withFeed) {
    return new Operations(settings, withFeed);
  }

  /** Starts following the events topic for the dashboard. */
  public void startFeed() {
    if (feed != null) {
      feed.start();
    }
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public InstanceStatus status() {
    return status;
  }

  /** Serves {@code body} as JSON at {@code path} (nothing when the HTTP server is off). */
  public void json(String path, java.util.function.Supplier<com.fasterxml.jackson.databind.JsonNode> body) {
    if (server != null) {
      server.json(path, body);
    }
  }

  /** The HTTP port, or 0 when the server is off. */
  public int port() {
    return server == null ? 0 : server.port();
  }

  @Override
  public void close() {
    if (server != null) {
      server.close();
    }
    if (feed != null) {
      feed.close();
    }
    gcMetrics.close();
    registry.close();
  }
}
