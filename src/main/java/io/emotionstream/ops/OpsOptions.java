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
 * @param token bearer token required for {@code /api/*} and the dashboard, or null for none;
 *     {@code /metrics} and {@code /health/*} stay open for probes and scrapers
 * @param maxStreams live event streams (server-sent events) served at once
 * @param heartbeat interval of the comment line sent on an idle event stream: a client that left is
 *     noticed at the second write after it left, so this bounds how long its slot stays taken
 */
public record OpsOptions(String bindAddress, int port, String token, int maxStreams, Duration heartbeat) {

  public OpsOptions {
    if (maxStreams < 1) {
      throw new IllegalArgumentException("ops.sse.max-clients must be at least 1: " + maxStreams);
    }
    if (heartbeat.isNegative() || heartbeat.isZero()) {
      throw new IllegalArgumentException("ops.sse.heartbeat-ms must be positive: " + heartbeat.toMillis());
    }
    token = token == null || token.isBlank() ? null : token.trim();
  }

  /** Loopback only, no token, defaults for the event streams: for tests and local tools. */
  public static OpsOptions local(int port) {
    return new OpsOptions("127.0.0.1", port, null, 32, Duration.ofSeconds(3));
  }

  /**
   * From {@code ops.bind-address}, {@code ops.port}, {@code ops.auth.token} (better given as the
   * variable {@code EMOTION_STREAM_OPS_AUTH_TOKEN}) or {@code ops.auth.token-file},
   * {@code ops.sse.max-clients} and {@code ops.sse.heartbeat-ms}.
   */
  public static OpsOptions from(Settings settings) {
    String token = settings.string("ops.auth.token", "");
    String file = settings.string("ops.auth.token-file", "");
    if (!token.isBlank() && !file.isBlank()) {
      throw new IllegalArgumentException("both ops.auth.token (from " + settings.source("ops.auth.token")
          + ") and ops.auth.token-file (from " + settings.source("ops.auth.token-file") + ") are set: use one");
    }
    if (!file.isBlank()) {
      try {
        token = Files.readString(Path.of(file), StandardCharsets.UTF_8).trim();
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read ops.auth.token-file " + file + " (from "
            + settings.source("ops.auth.token-file") + "): " + e, e);
      }
      if (token.isEmpty()) {
        throw new IllegalArgumentException("ops.auth.token-file " + file + " is empty");
      }
    }
    return new OpsOptions(settings.string("ops.bind-address", "127.0.0.1"), settings.integer("ops.port"), token,
        settings.integer("ops.sse.max-clients"), Duration.ofMillis(settings.longValue("ops.sse.heartbeat-ms")));
  }

  public OpsOptions withPort(int newPort) {
    return new OpsOptions(bindAddress, newPort, token, maxStreams, heartbeat);
  }

  public OpsOptions withToken(String newToken) {
    return new OpsOptions(bindAddress, port, newToken, maxStreams, heartbeat);
  }

  public OpsOptions withStreams(int newMaxStreams, Duration newHeartbeat) {
    return new OpsOptions(bindAddress, port, token, newMaxStreams, newHeartbeat);
  }

  @Override
  public String toString() { // never the token
    return "OpsOptions[" + bindAddress + ":" + port + ", token " + (token == null ? "none" : "set")
        + ", " + maxStreams + " streams, heartbeat " + heartbeat.toMillis() + " ms]";
  }
}
