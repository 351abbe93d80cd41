package io.emotionstream.policy;

import io.emotionstream.config.Settings;
import io.emotionstream.schema.EmotionStats;
import java.util.ArrayList;
import java.util.HashMap;

/**
 * What of a window's counts may leave the processor (the {@code emotion-stats} topic and
 * {@code /api/stats}), applied to each aggregate on its way out; the window store itself keeps
 * everything it needs to count.
 *
 * <ul>
 *   <li>A window with faces but fewer distinct people (face tracks) than {@code stats.min-people}
 *       is suppressed: its faces, counts per label, distinct people and track ids are published as
 *       zero and empty, its frame counts (coverage) stay, and it is marked suppressed
 *       ({@link #SUPPRESSED_HEADER} on the topic, {@code "suppressed": true} in the API), so that
 *       "suppressed" is never mistaken for "nobody there". Without tracking nothing says how many
 *       people a window saw, so every window with faces is suppressed unless
 *       {@code stats.min-people} is 1.</li>
 *   <li>The random track ids of a window leave only with {@code stats.track-ids=true}: the
 *       count of distinct people says what dashboards need.</li>
 * </ul>
 */
public final class StatsDisclosure {

  /** Record header on a suppressed window ({@code true}); absent on the others. */
  public static final String SUPPRESSED_HEADER = "emotionstream.stats.suppressed";
  /** Record header with the threshold that was applied. */
  public static final String MIN_PEOPLE_HEADER = "emotionstream.stats.min-people";

  private final int minPeople;
  private final boolean trackIds;

  /**
   * @param minPeople least distinct people a window must show for its counts to be published; 1 publishes all
   * @param trackIds whether the windows' track ids are published
   */
  public StatsDisclosure(int minPeople, boolean trackIds) {
    if (minPeople < 1) {
      throw new IllegalArgumentException("stats.min-people must be at least 1, got " + minPeople);
    }
    this.minPeople = minPeople;
    this.trackIds = trackIds;
  }

  /** From {@code stats.min-people} and {@code stats.track-ids}. */
  public static StatsDisclosure from(Settings settings) {
    int min = settings.integer("stats.min-people");
    if (min < 1) {
      throw new IllegalArgumentException("setting 'stats.min-people' = " + min + " from "
          + settings.source("stats.min-people") + " must be at least 1 (1 publishes every window)");
    }
    return new StatsDisclosure(min, settings.bool("stats.track-ids"));
  }

  public int minPeople() {
    return minPeople;
  }

  public boolean trackIds() {
    return trackIds;
  }

  /** Whether the window's person-derived counts are withheld. */
  public boolean suppresses(EmotionStats window) {
    return minPeople > 1 && window.getFaces() > 0 && window.getUniqueTracks() < minPeople;
  }

  /** The window as it may be published (a copy; the argument is not changed). */
  public EmotionStats apply(EmotionStats window) {
    EmotionStats.Builder out = EmotionStats.newBuilder(window);
    if (!trackIds) {
      out.setTrackIds(new ArrayList<>());
    }
    if (suppresses(window)) {
      out.setFaces(0).setCounts(new HashMap<>()).setUniqueTracks(0).setTrackIds(new ArrayList<>());
    }
    return out.build();
  }
}
