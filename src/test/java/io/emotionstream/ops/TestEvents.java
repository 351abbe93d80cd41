package io.emotionstream.ops;

import io.emotionstream.schema.Box;
import io.emotionstream.schema.FaceEmotion;
import io.emotionstream.schema.LabelScore;
import io.emotionstream.schema.Point;
import io.emotionstream.stream.EventJson;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Face events as the processor writes them, for tests of the operational endpoints. */
final class TestEvents {

  static final List<String> LABELS = List.of("neutral", "happy", "sad", "angry", "fearful", "disgusted", "surprised");

  private TestEvents() {}

  static String json(String camera, long frame, String label, Instant captureTime) {
    return EventJson.line(event(camera, frame, label, captureTime, null));
  }

  /** An event of the face track {@code trackId} (null: tracking off), its smoothed label {@code label}. */
  static String json(String camera, long frame, String label, Instant captureTime, String trackId) {
    return EventJson.line(event(camera, frame, label, captureTime, trackId));
  }

  static FaceEmotion event(String camera, long frame, String label, Instant captureTime) {
    return event(camera, frame, label, captureTime, null);
  }

  static FaceEmotion event(String camera, long frame, String label, Instant captureTime, String trackId) {
    List<LabelScore> scores = new ArrayList<>();
    for (String l : LABELS) {
      scores.add(new LabelScore(l, l.equals(label) ? 0.94f : 0.01f));
    }
    List<Point> landmarks = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      landmarks.add(new Point(10f + i, 20f + i));
    }
    FaceEmotion event = FaceEmotion.newBuilder().setCameraId(camera).setFrameSequence(frame)
        .setCaptureTime(captureTime).setFaceIndex(0).setFaceCount(1).setBox(new Box(1f, 2f, 30f, 40f))
        .setDetectionScore(0.99f).setLandmarks(landmarks).setLabel(label).setScores(scores)
        .setModelName("test-model").setModelVersion("7").setProcessingTimeMs(12f).setLatencyMs(40)
        .setTrackId(trackId).setSmoothedLabel(trackId == null ? null : label)
        .setSmoothedScores(trackId == null ? List.of() : scores).build();
    return event;
  }
}
