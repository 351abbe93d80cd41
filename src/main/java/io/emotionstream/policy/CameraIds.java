package io.emotionstream.policy;

import java.util.regex.Pattern;

/**
 * What a camera id may be, and how strings from producers are printed.
 *
 * <p>Camera ids are chosen by whoever produces frames, and they become record keys, store keys,
 * metric labels, log lines and dead-letter headers. A valid id is 1 to {@value #MAX_LENGTH}
 * characters of {@code A-Z a-z 0-9 . _ : -}, starting with a letter or digit: enough for names
 * ({@code store-12.entrance}), MAC addresses and UUIDs, and nothing that needs escaping in a log
 * line, a Prometheus label or a URL, nor the separators of the processor's own keys ({@code /}
 * between camera and zone, the zero byte between camera and window). Frames of other ids are
 * dead-lettered ({@code invalid-camera-id}); the camera file refuses them.
 *
 * <p>{@link #quote} prints any untrusted string (an invalid id, a record key) safely
 * ({@link Untrusted}).
 */
public final class CameraIds {

  /** Longest camera id. */
  public static final int MAX_LENGTH = 64;

  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0," + (MAX_LENGTH - 1) + "}");

  private CameraIds() {}

  public static boolean valid(String id) {
    return id != null && VALID.matcher(id).matches();
  }

  /**
   * Why {@code id} is not a valid camera id, or null when it is one.
   *
   * @return e.g. {@code camera id "a b" has a character outside A-Z a-z 0-9 . _ : -}
   */
  public static String problem(String id) {
    if (id == null) {
      return "the frame has no camera id";
    }
    if (valid(id)) {
      return null;
    }
    if (id.isEmpty()) {
      return "the camera id is empty";
    }
    if (id.length() > MAX_LENGTH) {
      return "camera id " + quote(id) + " is " + id.length() + " characters long, more than " + MAX_LENGTH;
    }
    if (!Character.isLetterOrDigit(id.charAt(0)) || id.charAt(0) > 0x7f) {
      return "camera id " + quote(id) + " does not start with a letter or digit (A-Z a-z 0-9)";
    }
    return "camera id " + quote(id) + " has a character outside A-Z a-z 0-9 . _ : -";
  }

  /** {@link Untrusted#quote}: an untrusted string as it may be printed in a log line or a header. */
  public static String quote(String untrusted) {
    return Untrusted.quote(untrusted);
  }
}
