package io.emotionstream.ingest;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpeningHoursTest {

  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  /** 2026-12-07 is a Monday. */
  private static Instant at(String localDateTime) {
    return LocalDateTime.parse(localDateTime).atZone(BERLIN).toInstant();
  }

  @Test
  void weekdaysAndSaturday() {
    OpeningHours h = OpeningHours.parse(List.of("mon-fri 08:00-20:00, sat 09:00-14:00"), BERLIN);
    assertTrue(h.isOpen(at("2026-12-07T08:00")));
    assertTrue(h.isOpen(at("2026-12-11T19:59")));
    assertFalse(h.isOpen(at("2026-12-07T20:00")), "the end is excluded");
    assertFalse(h.isOpen(at("2026-12-07T07:59")));
    assertTrue(h.isOpen(at("2026-12-12T10:00")));
    assertFalse(h.isOpen(at("2026-12-12T15:00")));
    assertFalse(h.isOpen(at("2026-12-13T10:00")), "Sunday is closed");
  }

  @Test
  void windowsPastMidnightBelongToTheDayTheyStart() {
    OpeningHours h = OpeningHours.parse(List.of("fri 22:00-02:00"), BERLIN);
    assertTrue(h.isOpen(at("2026-12-11T23:00")));
    assertTrue(h.isOpen(at("2026-12-12T01:59")), "Saturday early morning is Friday night");
    assertFalse(h.isOpen(at("2026-12-12T02:00")));
    assertFalse(h.isOpen(at("2026-12-11T01:00")), "Friday early morning belongs to Thursday");
  }

  @Test
  void dailyWrappingRangesFullDaysAndListForm() {
    assertTrue(OpeningHours.parse(List.of("daily 00:00-24:00"), BERLIN).isOpen(at("2026-12-09T03:00")));
    OpeningHours weekend = OpeningHours.parse(List.of("sat-mon 10:00-12:00"), BERLIN);
    assertTrue(weekend.isOpen(at("2026-12-07T11:00")), "Monday is in sat-mon");
    assertFalse(weekend.isOpen(at("2026-12-08T11:00")));
    OpeningHours split = OpeningHours.parse(List.of("Monday 08:00-12:00", "monday 13:00-17:00"), BERLIN);
    assertFalse(split.isOpen(at("2026-12-07T12:30")));
    assertTrue(split.isOpen(at("2026-12-07T13:30")));
  }

  @Test
  void theTimeZoneDecides() {
    OpeningHours h = OpeningHours.parse(List.of("mon 08:00-09:00"), ZoneId.of("UTC"));
    assertFalse(h.isOpen(at("2026-12-07T08:30")), "08:30 in Berlin is 07:30 UTC");
    assertTrue(h.isOpen(at("2026-12-07T09:30")));
  }

  @Test
  void badRulesAreErrorsNamingTheRule() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> OpeningHours.parse(List.of("funday 08:00-09:00"), BERLIN))
        .getMessage().contains("'funday' is not a day"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> OpeningHours.parse(List.of("mon 08:00-25:00"), BERLIN))
        .getMessage().contains("25:00"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> OpeningHours.parse(List.of("mon 8-9"), BERLIN))
        .getMessage().contains("'mon 8-9'"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> OpeningHours.parse(List.of(" , "), BERLIN))
        .getMessage().contains("no opening hours"));
  }
}
