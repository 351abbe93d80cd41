package io.emotionstream.policy;

/**
 * Strings that come from outside (camera ids, record keys, exception messages that quote them),
 * made safe to print in a log line or a header: no line breaks that forge log lines, no terminal
 * escape sequences, no invisible or bidirectional characters that make a line read otherwise, and
 * a bounded length.
 */
public final class Untrusted {

  /** Longest part of an untrusted string printed by {@link #quote}. */
  public static final int QUOTE_LIMIT = 80;
  /** Longest text printed by {@link #printable}. */
  public static final int PRINTABLE_LIMIT = 2000;

  private Untrusted() {}

  /**
   * In double quotes, with backslash, quote, control, line and paragraph separators, bidirectional
   * controls and other invisible characters as {@code \}{@code uXXXX}, cut after
   * {@value #QUOTE_LIMIT} characters (saying how long it was); {@code (none)} for null.
   */
  public static String quote(String untrusted) {
    if (untrusted == null) {
      return "(none)";
    }
    StringBuilder out = new StringBuilder(Math.min(untrusted.length(), QUOTE_LIMIT) + 8).append('"');
    escape(untrusted, Math.min(untrusted.length(), QUOTE_LIMIT), true, out);
    out.append('"');
    if (untrusted.length() > QUOTE_LIMIT) {
      out.append("... (").append(untrusted.length()).append(" characters)");
    }
    return out.toString();
  }

  /**
   * A message that may hold untrusted parts, as one printable line: control and invisible characters
   * as {@code \}{@code uXXXX}, cut after {@value #PRINTABLE_LIMIT} characters.
   */
  public static String printable(String message) {
    if (message == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder(Math.min(message.length(), PRINTABLE_LIMIT) + 16);
    escape(message, Math.min(message.length(), PRINTABLE_LIMIT), false, out);
    if (message.length() > PRINTABLE_LIMIT) {
      out.append("... (").append(message.length()).append(" characters)");
    }
    return out.toString();
  }

  private static void escape(String s, int n, boolean quotes, StringBuilder out) {
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (quotes && (c == '"' || c == '\\')) {
        out.append('\\').append(c);
      } else if (c < 0x20 || c == 0x7f || invisible(c)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
  }

  private static boolean invisible(char c) {
    int type = Character.getType(c);
    return type == Character.FORMAT || type == Character.CONTROL || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR || type == Character.SURROGATE || type == Character.PRIVATE_USE
        || type == Character.UNASSIGNED;
  }
}
