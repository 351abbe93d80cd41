package io.emotionstream.ingest;

import java.util.Locale;

/** Where a camera's connection stands. */
public enum CameraState {
  /** Opening the connection, or connected and waiting for the first frame. */
  CONNECTING,
  /** Frames arrive. */
  STREAMING,
  /** The last attempt failed or the connection was lost; the next attempt follows the backoff. */
  BACKING_OFF,
  /**
   * The last attempt failed in a way that retrying soon will not fix (credentials refused, a
   * password variable or file missing, a file that does not exist); tried again after
   * {@code ingest.failed-retry-ms} and whenever the camera list changes.
   */
  FAILED,
  /** Outside the camera's opening hours: not connected. */
  CLOSED,
  /** {@code enabled: false} in the camera list: not connected. */
  DISABLED;

  /** Lower case with dashes, as in metrics and JSON ({@code backing-off}). */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
