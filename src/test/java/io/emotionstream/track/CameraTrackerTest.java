package io.emotionstream.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CameraTrackerTest {

  private static final List<String> LABELS = List.of("happy", "sad", "neutral");
  private static final float[] HAPPY = {0.9f, 0.05f, 0.05f};
  private static final float[] SAD = {0.05f, 0.9f, 0.05f};

  private static FaceObservation face(double cx, double cy, double size, float[] scores) {
    return new FaceObservation(FaceBox.ofCentre(cx, cy, size, size * 1.2), scores);
  }

  @Test
  void staticSceneKeepsOneIdPerFace() {
    CameraTracker tracker = new CameraTracker(TrackerConfig.defaults(LABELS));
    List<Set<String>> ids = List.of(new HashSet<>(), new HashSet<>(), new HashSet<>());
    for (int frame = 0; frame < 200; frame++) {
      // a little detector jitter, as on a real static scene
      double j = (frame % 3 - 1) * 1.5;
      List<FaceObservation> faces = List.of(face(100 + j, 100, 60, HAPPY), face(300, 120 - j, 40, SAD),
          face(500, 110, 80 + j, HAPPY));
      CameraTracker.Update update = tracker.update(frame * 100L, faces);
      for (int f = 0; f < 3; f++) {
        ids.get(f).add(update.assignments().get(f).trackId());
      }
      assertTrue(update.ended().isEmpty());
      if (frame >= 1) {
        assertTrue(update.assignments().stream().allMatch(TrackAssignment::confirmed), "frame " + frame);
      }
    }
    ids.forEach(set -> assertEquals(1, set.size(), "ids " + set));
    assertEquals(3, ids.stream().flatMap(Set::stream).distinct().count());
  }

  @Test
  void facesCrossingAtSpeedKeepTheirIds() {
    CameraTracker tracker = new CameraTracker(TrackerConfig.defaults(LABELS));
    // two faces walking towards each other, 25 px per frame at 10 frames/s (four face widths a
    // second, a brisk walk close to the camera); their boxes overlap where they cross
    String left = null;
    String right = null;
    for (int frame = 0; frame < 30; frame++) {
      double x = frame * 25;
      List<FaceObservation> faces = List.of(face(100 + x, 200, 60, HAPPY), face(800 - x, 240, 60, SAD));
      CameraTracker.Update update = tracker.update(frame * 100L, faces);
      if (frame == 0) {
        left = update.assignments().get(0).trackId();
        right = update.assignments().get(1).trackId();
      }
      assertEquals(left, update.assignments().get(0).trackId(), "frame " + frame);
      assertEquals(right, update.assignments().get(1).trackId(), "frame " + frame);
    }
  }

  @Test
  void shortOcclusionKeepsTheTrackLongAbsenceEndsIt() {
    TrackerConfig config = TrackerConfig.defaults(LABELS);
    CameraTracker tracker = new CameraTracker(config);
    String id = null;
    long t = 0;
    for (int frame = 0; frame < 10; frame++, t += 100) {
      id = tracker.update(t, List.of(face(200 + frame * 5, 200, 60, HAPPY))).assignments().get(0).trackId();
    }
    // hidden for 0.8 s, then back further along its path
    for (int frame = 0; frame < 8; frame++, t += 100) {
      assertTrue(tracker.update(t, List.of()).ended().isEmpty());
    }
    assertEquals(id, tracker.update(t, List.of(face(200 + 18 * 5, 200, 60, HAPPY))).assignments().get(0).trackId());
    t += 100;
    // gone for longer than the gap: the track ends, with its summary
    List<TrackSummary> ended = new ArrayList<>();
    for (long end = t + config.maxGap().toMillis() + 200; t <= end; t += 100) {
      ended.addAll(tracker.update(t, List.of()).ended());
    }
    assertEquals(1, ended.size());
    TrackSummary summary = ended.get(0);
    assertEquals(id, summary.trackId());
    assertEquals(11, summary.frames());
    assertEquals(0, summary.firstSeenMs());
    assertEquals(1800, summary.lastSeenMs());
    assertEquals(1800, summary.dwellMs());
    assertEquals("happy", summary.dominant());
    assertEquals(0.9f, summary.meanScores()[0], 1e-6);
    assertEquals(0, tracker.liveTracks());
  }

  @Test
  void aOneFrameFalseDetectionLeavesNoTrack() {
    CameraTracker tracker = new CameraTracker(TrackerConfig.defaults(LABELS));
    CameraTracker.Update first = tracker.update(0, List.of(face(100, 100, 50, SAD)));
    assertFalse(first.assignments().get(0).confirmed());
    tracker.update(100, List.of());
    assertEquals(0, tracker.liveTracks());
    List<TrackSummary> ended = tracker.update(10_000, List.of()).ended();
    assertTrue(ended.isEmpty(), "a tentative track ends without a summary");
  }

  @Test
  void smoothingFollowsTimeNotFrameRate() {
    // the same expression change filmed at 5 and at 25 frames/s: after 1 s of sadness the smoothed
    // sad score is the same, since smoothing runs on capture time
    float slow = sadScoreAfterChange(5);
    float fast = sadScoreAfterChange(25);
    assertEquals(slow, fast, 0.05);
    // time constant 1.5 s: after 1 s about 1 - e^(-1/1.5) = 0.49 of the way from 0.05 to 0.9
    assertEquals(0.05 + 0.85 * (1 - Math.exp(-1 / 1.5)), fast, 0.05);
  }

  private static float sadScoreAfterChange(int fps) {
    CameraTracker tracker = new CameraTracker(TrackerConfig.defaults(LABELS));
    long step = 1000 / fps;
    TrackAssignment last = null;
    for (long t = 0; t <= 3000; t += step) {
      last = tracker.update(t, List.of(face(100, 100, 60, HAPPY))).assignments().get(0);
    }
    assertEquals("happy", last.smoothedLabel());
    for (long t = 3000 + step; t <= 4000; t += step) {
      last = tracker.update(t, List.of(face(100, 100, 60, SAD))).assignments().get(0);
    }
    return last.smoothedScores()[1];
  }

  @Test
  void timelineRecordsLabelChanges() {
    TrackerConfig config = new TrackerConfig(LABELS, 0.3, 0.6, 2, Duration.ofSeconds(2), Duration.ZERO, 64);
    CameraTracker tracker = new CameraTracker(config);
    long t = 0;
    for (float[] scores : List.of(HAPPY, HAPPY, SAD, SAD, SAD, SAD, HAPPY)) {
      tracker.update(t, List.of(face(100, 100, 60, scores)));
      t += 100;
    }
    TrackSummary summary = tracker.endAll().get(0);
    assertEquals(List.of(new TrackSummary.LabelChange(0, "happy"), new TrackSummary.LabelChange(200, "sad"),
        new TrackSummary.LabelChange(600, "happy")), summary.timeline());
    assertEquals("sad", summary.dominant());
  }

  @Test
  void aRestoredTrackerContinuesTheSameTracks() {
    TrackerConfig config = TrackerConfig.defaults(LABELS);
    CameraTracker before = new CameraTracker(config);
    List<String> ids = null;
    long t = 0;
    for (int frame = 0; frame < 20; frame++, t += 100) {
      ids = before.update(t, List.of(face(100 + frame * 10, 100, 60, HAPPY), face(400, 300 - frame * 8, 50, SAD)))
          .assignments().stream().map(TrackAssignment::trackId).toList();
    }
    CameraTracker after = CameraTracker.restore(config, before.snapshot());
    for (int frame = 20; frame < 40; frame++, t += 100) {
      List<String> now = after.update(t, List.of(face(100 + frame * 10, 100, 60, HAPPY),
          face(400, 300 - frame * 8, 50, SAD))).assignments().stream().map(TrackAssignment::trackId).toList();
      assertEquals(ids, now, "frame " + frame);
    }
    assertNotEquals(ids.get(0), ids.get(1));
  }

  @Test
  void idsAreRandomNotDerivedFromTheFace() {
    List<String> first = new ArrayList<>();
    for (int run = 0; run < 2; run++) {
      CameraTracker tracker = new CameraTracker(TrackerConfig.defaults(LABELS));
      first.add(tracker.update(0, List.of(face(100, 100, 60, HAPPY))).assignments().get(0).trackId());
    }
    assertNotEquals(first.get(0), first.get(1));
    assertEquals(16, first.get(0).length());
  }
}
