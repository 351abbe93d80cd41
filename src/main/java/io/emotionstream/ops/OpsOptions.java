package io.emotionstream.ops;

import io.emotionstream.config.Settings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How the operations HTTP server listens and whom it serves.
 *
 * @param bindAddress interface to listen on ({@code ops.bind-address}): {@code 127.0.0.1} by
 *     default, {@code 0.0.0.0} in the container image so that probes and other instances reach it
 * @param port 0 picks a free port
 * @param token bearer token required for {@code /api/*}, the dashboard and {@code /metrics}, or null
 *     for none; {@code /health/*} and {@code /notice} stay open
 * @param scrapeToken a second bearer token that opens only {@code /metrics} (the scrape credential
 *     of Prometheus), or null for none; with either token set, {@code /metrics} needs one of them
 * @param maxStreams live event streams (server-sent events) served at once
 * @param heartbeat interval of the comment line sent on an idle event stream: a client that left is
 *     noticed at the second write after it left, so this bounds how long its slot stays taken
 * @param limits connections and deadlines of the port ({@code ops.http.*}, {@link OpsListener})
 */
public record OpsOptions(String bindAddress, int port, String token, String scrapeToken, int maxStreams,
    Duration heartbeat, OpsListener.Limits limits) {

  public OpsOptions {
    if (maxStreams < 1) {
      throw new IllegalArgumentException("ops.sse.max-clients must be at least 1: " + maxStreams);
    }
    if (heartbeat.isNegative() || heartbeat.isZero()) {
      throw new IllegalArgumentException("ops.sse.heartbeat-ms must be positive: " + heartbeat.toMillis());
    }
    token = token == null || token.isBlank() ? null : token.trim();
    scrapeToken = scrapeToken == null || scrapeToken.isBlank() ? null : scrapeToken.trim();
    if (token != null && token.equals(scrapeToken)) {
      throw new IllegalArgumentException("ops.auth.scrape-token must differ from ops.auth.token: the scrape"
          + " credential opens /metrics only");
    }
  }

  /** Loopback only, no token, defaults for the event streams and the port's limits: for tests and local tools. */
  public static OpsOptions local(int port) {
    return new OpsOptions("127.0.0.1", port, null, null, 32, Duration.ofSeconds(3), OpsListener.Limits.defaults());
  }

  /**
   * From {@code ops.bind-address}, {@code ops.port}, {@code ops.auth.token} (better given as the
   * variable {@code EMOTION_STREAM_OPS_AUTH_TOKEN}) or {@code ops.auth.token-file},
   * {@code ops.sse.max-clients} and {@code ops.sse.heartbeat-ms}.
   */
  public static OpsOptions from(Settings settings) {
    OpsListener.Limits limits = new OpsListener.Limits(settings.integer("ops.http.max-connections"),
        Duration.ofMillis(settings.longValue("ops.http.header-timeout-ms")),
        Duration.ofMillis(settings.longValue("ops.http.response-timeout-ms")), settings.integer("ops.http.max-header-bytes"));
    return new OpsOptions(settings.string("ops.bind-address", "127.0.0.1"), settings.integer("ops.port"),
        secret(settings, "ops.auth.token"), secret(settings, "ops.auth.scrape-token"),
        settings.integer("ops.sse.max-clients"), Duration.ofMillis(settings.longValue("ops.sse.heartbeat-ms")), limits);
  }

  /** {@code key}, or the content of the file {@code key-file} (one of the two). */
  private static String secret(Settings settings, String key) {
    String value = settings.string(key, "");
    String fileKey = key + "-file";
    String file = settings.string(fileKey, "");
    if (!value.isBlank() && !file.isBlank()) {
      throw new IllegalArgumentException("both " + key + " (from " + settings.source(key) + ") and " + fileKey
          + " (from " + settings.source(fileKey) + ") are set: use one");
    }
    if (!file.isBlank()) {
      try {
        value = Files.readString(Path.of(file), StandardCharsets.UTF_8).trim();
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read " + fileKey + " " + file + " (from "
            + settings.source(fileKey) + "): " + e, e);
      }
      if (value.isEmpty()) {
        throw new IllegalArgumentException(fileKey + " " + file + " is empty");
      }
    }
    return value;
  }

  public OpsOptions withPort(int newPort) {
    return new OpsOptions(bindAddress, newPort, token, scrapeToken, maxStreams, heartbeat, limits);
  }

  public OpsOptions withToken(String newToken) {
    return new OpsOptions(bindAddress, port, newToken, scrapeToken, maxStreams, heartbeat, limits);
  }

  public OpsOptions withScrapeToken(String newScrapeToken) {
    return new OpsOptions(bindAddress, port, token, newScrapeToken, maxStreams, heartbeat, limits);
  }

  public OpsOptions withStreams(int newMaxStreams, Duration newHeartbeat) {
    return new OpsOptions(bindAddress, port, token, scrapeToken, newMaxStreams, newHeartbeat, limits);
  }

  OpsOptions withLimits(OpsListener.Limits newLimits) {
    return new OpsOptions(bindAddress, port, token, scrapeToken, maxStreams, heartbeat, newLimits);
  }

  @Override
  public String toString() { // never the tokens
    return "OpsOptions[" + bindAddress + ":" + port + ", token " + (token == null ? "none" : "set")
        + ", scrape token " + (scrapeToken == null ? "none" : "set") + ", " + maxStreams + " streams, heartbeat "
        + heartbeat.toMillis() + " ms, " + limits + "]";
  }
}
