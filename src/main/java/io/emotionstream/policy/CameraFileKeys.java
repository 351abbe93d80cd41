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

  /** Keys the processor's policy reads. */
  public static final List<String> POLICY_KEYS = List.of("id", "site", "zone", "emotion", "context", "purpose",
      "exemption", "masks", "zones");

  /** Keys of {@code ingest} (camera connections), accepted and ignored by the policy. */
  public static final List<String> INGEST_KEYS = List.of("url", "fps", "tags", "enabled", "hours", "username",
      "password-env", "password-file", "max-side", "jpeg-quality", "keyframes-only", "connect-timeout-ms",
      "read-timeout-ms");

  /** Keys of an {@code exemption} map. */
  public static final List<String> EXEMPTION_KEYS = List.of("reason", "justification");
}
