package io.emotionstream.policy;

import io.emotionstream.config.Settings;
import java.util.Locale;

/**
 * How long each kind of data stays on the topics the processor creates ({@code retention.*-ms}):
 * the shortest time each is needed, since what is kept longer than needed is exposed longer than
 * needed (GDPR Art. 5(1)(e), storage limitation). {@code -1} keeps records until they are deleted
 * deliberately. The arguments for each default are in the README ("Retention").
 *
 * @param framesMs raw camera frames: pixels of people
 * @param deadLetterMs rejected records (without their pixels unless {@code dead-letter.keep-pixels})
 * @param eventsMs one event per face (box, landmarks, apparent expression, random track id)
 * @param tracksMs one summary per ended face track
 * @param statsMs window counts per camera and zone, small counts suppressed
 * @param auditMs the audit trail of policy and model changes
 */
public record RetentionPolicy(long framesMs, long deadLetterMs, long eventsMs, long tracksMs, long statsMs,
    long auditMs) {

  /** Setting keys, in the order of the fields. */
  public static final String[] KEYS = {"retention.frames-ms", "retention.dead-letter-ms", "retention.events-ms",
      "retention.tracks-ms", "retention.stats-ms", "retention.audit-ms"};

  /**
   * Segments of a topic roll at least this many times per retention period: Kafka deletes whole
   * segments only, and by default rolls a segment after 7 days or 1 GiB, so that without this a
   * quiet frames topic would keep its frames for up to a week whatever its {@code retention.ms}.
   */
  public static final int SEGMENTS_PER_RETENTION = 6;

  /** @throws IllegalArgumentException naming the key and its source for a value that is neither -1 nor at least a minute */
  public static RetentionPolicy from(Settings settings) {
    long[] v = new long[KEYS.length];
    for (int i = 0; i < KEYS.length; i++) {
      v[i] = settings.longValue(KEYS[i]);
      if (v[i] != -1 && v[i] < 60_000) {
        throw new IllegalArgumentException("setting '" + KEYS[i] + "' = " + v[i] + " from " + settings.source(KEYS[i])
            + " must be at least 60000 (a minute) or -1 (kept until deleted)");
      }
    }
    return new RetentionPolicy(v[0], v[1], v[2], v[3], v[4], v[5]);
  }

  /**
   * The {@code segment.ms} that lets retention act on time: a sixth of the retention, between a
   * minute and a day; null (the broker's default) for unlimited retention.
   */
  public static Long segmentMs(long retentionMs) {
    if (retentionMs <= 0) {
      return null;
    }
    return Math.max(60_000L, Math.min(86_400_000L, retentionMs / SEGMENTS_PER_RETENTION));
  }

  /** "1 hour", "3 days", "unlimited". */
  public static String describe(long ms) {
    if (ms < 0) {
      return "unlimited";
    }
    long[] units = {86_400_000L, 3_600_000L, 60_000L, 1_000L};
    String[] names = {"day", "hour", "minute", "second"};
    for (int i = 0; i < units.length; i++) {
      if (ms >= units[i] && ms % units[i] == 0) {
        long n = ms / units[i];
        return n + " " + names[i] + (n == 1 ? "" : "s");
      }
    }
    return String.format(Locale.ROOT, "%d ms", ms);
  }
}
