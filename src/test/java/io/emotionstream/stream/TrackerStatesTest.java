package io.emotionstream.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.kafka.serde.SingleObjectAvroSerde;
import io.emotionstream.schema.TrackerState;
import io.emotionstream.track.CameraTracker;
import io.emotionstream.track.FaceBox;
import io.emotionstream.track.FaceObservation;
import io.emotionstream.track.TrackAssignment;
import io.emotionstream.track.TrackerConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrackerStatesTest {

  private static final List<String> LABELS = List.of("happy", "sad");

  private static List<FaceObservation> frame(int i) {
    return List.of(new FaceObservation(FaceBox.ofCentre(100 + 8 * i, 100, 50, 60), new float[] {0.8f, 0.2f}),
        new FaceObservation(FaceBox.ofCentre(400, 300 - 6 * i, 40, 48), new float[] {0.3f, 0.7f}));
  }

  @Test
  void aTrackerRestoredThroughAvroBytesContinuesItsTracks() {
    TrackerConfig config = TrackerConfig.defaults(LABELS);
    CameraTracker original = new CameraTracker(config);
    CameraTracker copy = null;
    try (var serde = new SingleObjectAvroSerde<>(TrackerState.class)) {
      for (int i = 0; i < 30; i++) {
        List<String> expected = original.update(i * 100L, frame(i)).assignments().stream()
            .map(TrackAssignment::trackId).toList();
        if (i == 10) {
          byte[] bytes = serde.serializer().serialize("t", TrackerStates.toAvro(original.snapshot(), LABELS));
          TrackerState state = serde.deserializer().deserialize("t", bytes);
          copy = CameraTracker.restore(config, TrackerStates.fromAvro(state, LABELS));
        } else if (copy != null) {
          var actual = copy.update(i * 100L, frame(i)).assignments();
          assertEquals(expected, actual.stream().map(TrackAssignment::trackId).toList(), "frame " + i);
          assertEquals(original.snapshot().tracks().get(0).smoothed()[0], actual.get(0).smoothedScores()[0], 1e-6);
        }
      }
    }
  }

  @Test
  void stateWrittenForOtherLabelsStartsAfresh() {
    CameraTracker tracker = new CameraTracker(TrackerConfig.defaults(LABELS));
    tracker.update(0, frame(0));
    TrackerState state = TrackerStates.toAvro(tracker.snapshot(), LABELS);
    assertTrue(TrackerStates.fromAvro(state, List.of("happy", "sad", "angry")).tracks().isEmpty());
    assertEquals(2, TrackerStates.fromAvro(state, LABELS).tracks().size());
  }
}
