package io.emotionstream.ingest;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a camera may be read: outside these hours {@code ingest} closes its connection and sends
 * nothing. Written as rules {@code DAYS HH:MM-HH:MM}, separated by commas (or as a YAML list), for
 * example {@code "mon-fri 08:00-20:00, sat 09:00-14:00"}. DAYS is a day ({@code mon} ...
 * {@code sun}, or the full English name), a range of days ({@code mon-fri}, {@code fri-mon}) or
 * {@code daily}. A window whose end is not after its start runs past midnight and belongs to the
 * day it starts on ({@code "fri 22:00-02:00"} is Friday night); {@code 24:00} is the end of the
 * day. Times are local to the camera's time zone.
 */
public final class OpeningHours {

  private static final Pattern RULE = Pattern.compile(
      "(?i)\\s*([a-z]+)(?:\\s*-\\s*([a-z]+))?\\s+(\\d{1,2}):(\\d{2})\\s*-\\s*(\\d{1,2}):(\\d{2})\\s*");

  private record Window(EnumSet<DayOfWeek> days, int startMinute, int endMinute) {

    boolean contains(DayOfWeek day, int minute) {
      if (startMinute < endMinute) {
        return days.contains(day) && minute >= startMinute && minute < endMinute;
      }
      return (days.contains(day) && minute >= startMinute) || (days.contains(day.minus(1)) && minute < endMinute);
    }
  }

  private final List<Window> windows;
  private final ZoneId zone;
  private final String text;

  private OpeningHours(List<Window> windows, ZoneId zone, String text) {
    this.windows = windows;
    this.zone = zone;
    this.text = text;
  }

  /**
   * @param rules one rule per entry; an entry may hold several, separated by commas
   * @throws IllegalArgumentException naming the rule that cannot be read
   */
  public static OpeningHours parse(List<String> rules, ZoneId zone) {
    List<Window> windows = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    for (String entry : rules) {
      for (String rule : entry.split(",")) {
        if (rule.isBlank()) {
          continue;
        }
        windows.add(window(rule));
        texts.add(rule.trim());
      }
    }
    if (windows.isEmpty()) {
      throw new IllegalArgumentException("no opening hours given (expected e.g. \"mon-fri 08:00-20:00\")");
    }
    return new OpeningHours(List.copyOf(windows), zone, String.join(", ", texts));
  }

  private static Window window(String rule) {
    Matcher m = RULE.matcher(rule);
    if (!m.matches()) {
      throw new IllegalArgumentException("opening hours '" + rule.trim()
          + "' are not DAYS HH:MM-HH:MM (e.g. \"mon-fri 08:00-20:00\", \"daily 22:00-06:00\")");
    }
    EnumSet<DayOfWeek> days;
    if (m.group(2) == null && m.group(1).equalsIgnoreCase("daily")) {
      days = EnumSet.allOf(DayOfWeek.class);
    } else {
      DayOfWeek first = day(m.group(1), rule);
      DayOfWeek last = m.group(2) == null ? first : day(m.group(2), rule);
      days = EnumSet.of(first);
      for (DayOfWeek d = first; d != last; d = d.plus(1)) {
        days.add(d.plus(1));
      }
    }
    int start = minute(m.group(3), m.group(4), rule, false);
    int end = minute(m.group(5), m.group(6), rule, true);
    if (start == end && start != 0) {
      throw new IllegalArgumentException("opening hours '" + rule.trim() + "' open and close at the same time");
    }
    return new Window(days, start, start == 0 && end == 0 ? 24 * 60 : end);
  }

  private static DayOfWeek day(String name, String rule) {
    String n = name.toLowerCase(Locale.ROOT);
    for (DayOfWeek d : DayOfWeek.values()) {
      String full = d.name().toLowerCase(Locale.ROOT);
      if (n.equals(full) || n.equals(full.substring(0, 3))) {
        return d;
      }
    }
    throw new IllegalArgumentException("opening hours '" + rule.trim() + "': '" + name
        + "' is not a day (mon, tue, wed, thu, fri, sat, sun, or daily)");
  }

  private static int minute(String hours, String minutes, String rule, boolean end) {
    int h = Integer.parseInt(hours);
    int m = Integer.parseInt(minutes);
    if (m > 59 || h > 24 || (h == 24 && (m != 0 || !end))) {
      throw new IllegalArgumentException("opening hours '" + rule.trim() + "': " + hours + ":" + minutes
          + " is not a time of day (00:00 to 23:59, or 24:00 as an end)");
    }
    return h * 60 + m;
  }

  /** Whether the camera may be read at {@code now}. */
  public boolean isOpen(Instant now) {
    ZonedDateTime t = now.atZone(zone);
    int minute = t.getHour() * 60 + t.getMinute();
    for (Window w : windows) {
      if (w.contains(t.getDayOfWeek(), minute)) {
        return true;
      }
    }
    return false;
  }

  public ZoneId zone() {
    return zone;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OpeningHours h && h.windows.equals(windows) && h.zone.equals(zone);
  }

  @Override
  public int hashCode() {
    return windows.hashCode() * 31 + zone.hashCode();
  }

  /** The rules as written (normalised), with the time zone. */
  @Override
  public String toString() {
    return text + " (" + zone + ")";
  }
}
