package io.emotionstream.ingest;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Keeps camera credentials out of every text {@code ingest} writes or serves: log lines, errors,
 * FFmpeg's own messages, {@code /api/cameras}. Two nets: the user-info part of any URL
 * ({@code rtsp://user:secret@host} becomes {@code rtsp://user:***@host}), and every password this
 * process has read (from a camera list URL, an environment variable or a file), in plain and
 * percent-encoded form, wherever it appears.
 */
final class Redaction {

  /** Shown instead of a secret. */
  static final String MASK = "***";

  private static final Pattern USER_INFO = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://[^/@\\s:]*):[^@\\s]*@");
  private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();

  private Redaction() {}

  /** Remembers a secret so that it is masked wherever it shows up from now on. */
  static void remember(String secret) {
    if (secret == null || secret.length() < 3) {
      return; // one or two characters would mask ordinary text; such a password is no secret anyway
    }
    SECRETS.add(secret);
    SECRETS.add(URLEncoder.encode(secret, StandardCharsets.UTF_8));
    SECRETS.add(CameraUrl.encodeUserInfo(secret));
  }

  /** The text with URL user info and every remembered secret masked; null stays null. */
  static String redact(String text) {
    if (text == null) {
      return null;
    }
    String out = USER_INFO.matcher(text).replaceAll("$1:" + MASK + "@");
    for (String secret : SECRETS) {
      if (out.contains(secret)) {
        out = out.replace(secret, MASK);
      }
    }
    return out;
  }

  /** An exception as one line: its class and redacted message, then its causes' messages. */
  static String describe(Throwable e) {
    StringBuilder out = new StringBuilder();
    for (Throwable t = e; t != null && out.length() < 600; t = t.getCause()) {
      String message = t.getMessage();
      String text = message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
      if (out.indexOf(text) >= 0) {
        continue;
      }
      out.append(out.length() == 0 ? "" : ": ").append(text);
    }
    return redact(out.toString());
  }
}
