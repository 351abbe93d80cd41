package io.emotionstream.track;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class TrackingScoreTest {

  private static TrackingScore.Labelled box(String id, double x) {
    return new TrackingScore.Labelled(id, new FaceBox(x, 0, x + 50, 60));
  }

  @Test
  void perfectTracksScoreOne() {
    TrackingScore score = new TrackingScore(0.5);
    for (int i = 0; i < 10; i++) {
      score.add(List.of(box("a", i), box("b", 200 + i)), List.of(box("t1", i), box("t2", 200 + i)));
    }
    assertEquals(1.0, score.mota(), 1e-9);
    assertEquals(1.0, score.idf1(), 1e-9);
    assertEquals(0, score.identitySwitches());
  }

  @Test
  void anIdSwitchAMissAndAFalsePositiveAreCounted() {
    TrackingScore score = new TrackingScore(0.5);
    // 10 frames of one person: t1 for 4 frames, missed once, then t2 for 5 frames; one false box
    for (int i = 0; i < 4; i++) {
      score.add(List.of(box("a", 0)), List.of(box("t1", 0)));
    }
    score.add(List.of(box("a", 0)), List.of(box("ghost", 500)));
    for (int i = 0; i < 5; i++) {
      score.add(List.of(box("a", 0)), List.of(box("t2", 0)));
    }
    assertEquals(10, score.trueFaces());
    assertEquals(1, score.misses());
    assertEquals(1, score.falsePositives());
    assertEquals(1, score.identitySwitches());
    assertEquals(1, score.fragmentations());
    assertEquals(1 - 3 / 10.0, score.mota(), 1e-9);
    // identity pairing a <-> t2 (5 frames): IDF1 = 2 * 5 / (10 true + 10 tracked)
    assertEquals(0.5, score.idf1(), 1e-9);
    assertEquals(2, score.tracksPerIdentity().get("a"));
  }
}
