package io.emotionstream.ingest;

import io.emotionstream.config.Settings;
import java.time.Duration;
import java.time.ZoneId;

/**
 * The {@code ingest.*} settings: defaults of the per-camera keys of the camera list, and the
 * service's own limits.
 *
 * @param fps {@code ingest.fps}
 * @param connectTimeout {@code ingest.connect-timeout-ms}
 * @param readTimeout {@code ingest.read-timeout-ms}
 * @param reconnectInitial {@code ingest.reconnect.initial-ms}: first wait after a failure
 * @param reconnectMax {@code ingest.reconnect.max-ms}: the cap of the doubling waits
 * @param failedRetry {@code ingest.failed-retry-ms}: wait after a failure that retrying soon will not
 *     fix (credentials refused or missing)
 * @param maxSide {@code ingest.max-side}
 * @param jpegQuality {@code ingest.jpeg-quality}
 * @param keyframesOnly {@code ingest.keyframes-only}
 * @param rtspTransport {@code ingest.rtsp-transport}
 * @param zone {@code ingest.time-zone} (empty: the system's)
 * @param sendBufferFrames {@code ingest.send-buffer-frames}: frames per camera waiting for Kafka
 * @param inFlightFrames {@code ingest.in-flight-frames}: frames per camera handed to Kafka, not yet acknowledged
 * @param reloadCheck {@code ingest.reload-check-ms}: how often the camera list file is looked at
 * @param maxFrameBytes {@code frame.max-bytes}: larger images are scaled down or dropped
 */
public record IngestDefaults(double fps, Duration connectTimeout, Duration readTimeout, Duration reconnectInitial,
    Duration reconnectMax, Duration failedRetry, int maxSide, int jpegQuality, boolean keyframesOnly,
    String rtspTransport, ZoneId zone, int sendBufferFrames, int inFlightFrames, Duration reloadCheck,
    long maxFrameBytes) {

  public static IngestDefaults from(Settings settings) {
    String zone = settings.string("ingest.time-zone", "");
    ZoneId zoneId;
    try {
      zoneId = zone.isBlank() ? ZoneId.systemDefault() : ZoneId.of(zone.trim());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("setting 'ingest.time-zone' = '" + zone + "' from "
          + settings.source("ingest.time-zone") + " is not a time zone (e.g. Europe/Berlin)");
    }
    IngestDefaults d = new IngestDefaults(settings.decimal("ingest.fps"),
        millis(settings, "ingest.connect-timeout-ms"), millis(settings, "ingest.read-timeout-ms"),
        millis(settings, "ingest.reconnect.initial-ms"), millis(settings, "ingest.reconnect.max-ms"),
        millis(settings, "ingest.failed-retry-ms"), settings.integer("ingest.max-side"),
        settings.integer("ingest.jpeg-quality"), settings.bool("ingest.keyframes-only"),
        settings.string("ingest.rtsp-transport"), zoneId, settings.integer("ingest.send-buffer-frames"),
        settings.integer("ingest.in-flight-frames"), millis(settings, "ingest.reload-check-ms"),
        settings.longValue("frame.max-bytes"));
    check(settings, "ingest.fps", d.fps > 0 && d.fps <= CameraList.MAX_FPS, "a rate above 0 and at most " + CameraList.MAX_FPS);
    check(settings, "ingest.max-side", d.maxSide == 0 || d.maxSide >= 16, "0 (keep) or at least 16");
    check(settings, "ingest.jpeg-quality", d.jpegQuality >= 1 && d.jpegQuality <= 100, "1 to 100");
    check(settings, "ingest.rtsp-transport", d.rtspTransport.equals("tcp") || d.rtspTransport.equals("udp"), "tcp or udp");
    check(settings, "ingest.send-buffer-frames", d.sendBufferFrames >= 1, "at least 1");
    check(settings, "ingest.in-flight-frames", d.inFlightFrames >= 1, "at least 1");
    check(settings, "ingest.reconnect.max-ms", d.reconnectMax.compareTo(d.reconnectInitial) >= 0,
        "at least ingest.reconnect.initial-ms");
    return d;
  }

  private static Duration millis(Settings settings, String key) {
    long ms = settings.longValue(key);
    if (ms <= 0) {
      throw new IllegalArgumentException("setting '" + key + "' = " + ms + " from " + settings.source(key)
          + " must be a positive number of milliseconds");
    }
    return Duration.ofMillis(ms);
  }

  private static void check(Settings settings, String key, boolean ok, String expected) {
    if (!ok) {
      throw new IllegalArgumentException("setting '" + key + "' = '" + settings.string(key) + "' from "
          + settings.source(key) + " must be " + expected);
    }
  }
}
