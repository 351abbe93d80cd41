package io.emotionstream.ingest;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A camera address as written in the camera list: a URL ({@code rtsp://}, {@code http://}, or
 * another FFmpeg protocol), a V4L2 device ({@code /dev/video0}) or a video file. Splits off the
 * user info a URL may carry ({@code rtsp://user:password@host/...}), so that the password can be
 * masked in everything shown and put back only into the address handed to the reader.
 */
final class CameraUrl {

  /** What kind of source the address names. */
  enum Kind { RTSP, HTTP, DEVICE, FILE, OTHER_URL }

  private final String scheme;
  private final String user;
  private final String password;
  private final String rest;
  private final String raw;

  private CameraUrl(String raw, String scheme, String user, String password, String rest) {
    this.raw = raw;
    this.scheme = scheme;
    this.user = user;
    this.password = password;
    this.rest = rest;
  }

  /** @throws IllegalArgumentException for an empty address or a URL without a host */
  static CameraUrl parse(String raw) {
    String s = raw.trim();
    if (s.isEmpty()) {
      throw new IllegalArgumentException("the url is empty");
    }
    int colon = s.indexOf("://");
    if (colon <= 0) {
      return new CameraUrl(s, null, null, null, s);
    }
    String scheme = s.substring(0, colon).toLowerCase(Locale.ROOT);
    if (!scheme.matches("[a-z][a-z0-9+.-]*")) {
      throw new IllegalArgumentException("'" + scheme + "' is not a URL scheme");
    }
    String afterScheme = s.substring(colon + 3);
    int slash = afterScheme.indexOf('/');
    String authority = slash < 0 ? afterScheme : afterScheme.substring(0, slash);
    int at = authority.lastIndexOf('@');
    String user = null;
    String password = null;
    String rest = afterScheme;
    if (at >= 0) {
      String info = authority.substring(0, at);
      rest = afterScheme.substring(at + 1);
      int sep = info.indexOf(':');
      user = decode(sep < 0 ? info : info.substring(0, sep));
      password = sep < 0 ? null : decode(info.substring(sep + 1));
    }
    if (!scheme.equals("file") && (rest.isEmpty() || rest.startsWith("/"))) {
      throw new IllegalArgumentException("the URL has no host");
    }
    return new CameraUrl(s, scheme, user, password, rest);
  }

  Kind kind() {
    if (scheme == null) {
      return rest.startsWith("/dev/video") ? Kind.DEVICE : Kind.FILE;
    }
    return switch (scheme) {
      case "rtsp", "rtsps" -> Kind.RTSP;
      case "http", "https" -> Kind.HTTP;
      case "file" -> Kind.FILE;
      default -> Kind.OTHER_URL;
    };
  }

  String scheme() {
    return scheme;
  }

  /** The user name written in the URL, or null. */
  String user() {
    return user;
  }

  /** The password written in the URL, or null. */
  String password() {
    return password;
  }

  /** The address without user info: what a reader opens when no credentials are given. */
  String withoutCredentials() {
    return scheme == null ? rest : scheme + "://" + rest;
  }

  /** The address with these credentials as its user info (percent-encoded); null user: none. */
  String withCredentials(String userName, String secret) {
    if (scheme == null || userName == null) {
      return withoutCredentials();
    }
    return scheme + "://" + encodeUserInfo(userName) + (secret == null ? "" : ":" + encodeUserInfo(secret)) + "@" + rest;
  }

  /** For messages, status pages and logs: the password (if any) replaced by {@code ***}. */
  String redacted() {
    if (scheme == null || user == null) {
      return withoutCredentials();
    }
    return scheme + "://" + encodeUserInfo(user) + (password == null ? "" : ":" + Redaction.MASK) + "@" + rest;
  }

  /** Host and port of a URL, or the path of a device or file. */
  String where() {
    if (scheme == null) {
      return rest;
    }
    int slash = rest.indexOf('/');
    return slash < 0 ? rest : rest.substring(0, slash);
  }

  /** Percent-encodes everything but RFC 3986's unreserved characters. */
  static String encodeUserInfo(String s) {
    StringBuilder out = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
        out.append(c);
      } else {
        out.append('%').append(String.format(Locale.ROOT, "%02X", b & 0xff));
      }
    }
    return out.toString();
  }

  private static String decode(String s) {
    try {
      return java.net.URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s; // a stray '%': take it as written
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CameraUrl u && u.raw.equals(raw);
  }

  @Override
  public int hashCode() {
    return raw.hashCode();
  }

  @Override
  public String toString() {
    return redacted();
  }
}
