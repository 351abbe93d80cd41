package io.emotionstream.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.config.Settings;
import io.emotionstream.schema.EmotionStats;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatsDisclosureTest {

  private static EmotionStats window(long faces, int people) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < people; i++) {
      ids.add("track-" + i);
    }
    return EmotionStats.newBuilder().setCameraId("cam").setWindowStart(Instant.EPOCH).setWindowEnd(Instant.EPOCH)
        .setFaces(faces).setCounts(new HashMap<>(Map.of("happy", faces))).setUniqueTracks(people).setTrackIds(ids)
        .setFramesAnalysed(10).setFramesShed(2).build();
  }

  @Test
  void windowsWithFewerPeopleThanTheMinimumAreSuppressedAndSaySo() {
    StatsDisclosure d = new StatsDisclosure(5, false);
    EmotionStats small = window(40, 4);
    assertTrue(d.suppresses(small));
    EmotionStats out = d.apply(small);
    assertEquals(0, out.getFaces());
    assertEquals(Map.of(), out.getCounts());
    assertEquals(0, out.getUniqueTracks());
    assertEquals(List.of(), out.getTrackIds());
    assertEquals(10, out.getFramesAnalysed(), "coverage stays");
    assertEquals(2, out.getFramesShed());
    assertEquals(40, small.getFaces(), "the argument is not changed");

    EmotionStats enough = d.apply(window(40, 5));
    assertFalse(d.suppresses(window(40, 5)));
    assertEquals(40, enough.getFaces());
    assertEquals(5, enough.getUniqueTracks());
    assertEquals(List.of(), enough.getTrackIds(), "track ids leave only when enabled");
    assertFalse(d.suppresses(window(0, 0)), "an empty window has nothing to hide");
  }

  @Test
  void trackIdsLeaveWhenEnabledAndOnePersonPublishesEverything() {
    StatsDisclosure d = new StatsDisclosure(1, true);
    assertEquals(3, d.apply(window(9, 3)).getTrackIds().size());
    assertFalse(d.suppresses(window(9, 0)));
  }

  @Test
  void defaultsSuppressBelowFivePeopleAndKeepTrackIdsIn() {
    StatsDisclosure d = StatsDisclosure.from(Settings.defaults());
    assertEquals(5, d.minPeople());
    assertFalse(d.trackIds());
    assertThrows(IllegalArgumentException.class, () -> StatsDisclosure.from(
        Settings.defaults().with(Map.of("stats.min-people", "0"), "test")));
  }
}
