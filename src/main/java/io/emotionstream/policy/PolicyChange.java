package io.emotionstream.policy;

/**
 * One difference between two versions of the camera file that matters to people filmed: written
 * to the audit topic.
 *
 * @param kind what changed
 * @param camera the camera id
 * @param detail one sentence saying what changed and what the processor now does
 * @param before the camera's policy before, as JSON, or null when it was not listed
 * @param after the camera's policy after, as JSON, or null when it is no longer listed
 */
public record PolicyChange(Kind kind, String camera, String detail, String before, String after) {

  /** The kinds of change, with the audit action each is recorded under. */
  public enum Kind {
    CAMERA_ADDED("camera-added"),
    CAMERA_REMOVED("camera-removed"),
    /** {@code emotion} switched to true. */
    CAMERA_ENABLED("camera-enabled"),
    /** {@code emotion} switched to false. */
    CAMERA_DISABLED("camera-disabled"),
    /** Site, zone, context, purpose or exemption. */
    POLICY_CHANGED("camera-policy-changed"),
    MASKS_CHANGED("camera-masks-changed"),
    ZONES_CHANGED("camera-zones-changed");

    private final String action;

    Kind(String action) {
      this.action = action;
    }

    /** The audit action, e.g. {@code camera-enabled}. */
    public String action() {
      return action;
    }
  }
}
