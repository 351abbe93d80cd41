package io.emotionstream.policy;

import java.util.List;

/**
 * The keys of a camera entry in the camera file, which one YAML file shared by {@code ingest}
 * (connections) and the processor (policy). Each side parses its own keys, accepts the other's
 * and rejects any other key, naming it.
 */
public final class CameraFileKeys {

  private CameraFileKeys() {}

  /** Top-level key: the list of cameras. */
  public static final String CAMERAS = "cameras";

  /** Optional top-level key: a map of camera keys (any but {@code id} and {@code url}) every camera gets unless it sets them. */
  public static final String DEFAULTS = "defaults";

  /** The top-level keys. */
  public static final List<String> TOP_LEVEL_KEYS = List.of(CAMERAS, DEFAULTS);

  /** Keys the processor's policy reads ({@code id}, {@code site} and {@code zone} are read by both sides). */
  public static final List<String> POLICY_KEYS = List.of("id", "site", "zone", "emotion", "context", "purpose",
      "exemption", "masks", "zones");

  /** Keys only {@code ingest} (camera connections) reads; the policy accepts and ignores them. */
  public static final List<String> INGEST_KEYS = List.of("url", "fps", "tags", "enabled", "hours", "time-zone",
      "username", "password-env", "password-file", "source", "rtsp-transport", "connect-timeout-ms",
      "read-timeout-ms", "max-side", "jpeg-quality", "keyframes-only", "ffmpeg-options");

  /** Whether {@code key} is a camera key of either side. */
  public static boolean isCameraKey(String key) {
    return POLICY_KEYS.contains(key) || INGEST_KEYS.contains(key);
  }

  /** Keys of an {@code exemption} map. */
  public static final List<String> EXEMPTION_KEYS = List.of("reason", "justification");
}
