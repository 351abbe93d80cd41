package io.emotionstream.stream;

import io.emotionstream.schema.TrackRecord;
import io.emotionstream.schema.TrackerLabelChange;
import io.emotionstream.schema.TrackerState;
import io.emotionstream.track.TrackSummary;
import io.emotionstream.track.TrackerSnapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * Converts a tracker's {@link TrackerSnapshot} to the Avro {@link TrackerState} kept in the
 * tracker store and its changelog, and back. Avro rather than a format of our own: a processor of
 * the next release restores the changelog an older one wrote, and Avro's schema resolution gives
 * that for free under the project's compatibility rule.
 */
public final class TrackerStates {

  private TrackerStates() {}

  public static TrackerState toAvro(TrackerSnapshot snapshot, List<String> labels) {
    List<TrackRecord> tracks = new ArrayList<>();
    for (TrackerSnapshot.TrackState t : snapshot.tracks()) {
      tracks.add(TrackRecord.newBuilder()
          .setId(t.id())
          .setFirstSeenMs(t.firstSeenMs())
          .setLastSeenMs(t.lastSeenMs())
          .setFrames(t.frames())
          .setConfirmed(t.confirmed())
          .setMotion(boxed(t.motion()))
          .setSmoothed(boxed(t.smoothed()))
          .setScoreSums(boxed(t.scoreSums()))
          .setTimeline(t.timeline().stream()
              .map(c -> new TrackerLabelChange(c.atMs(), c.label())).toList())
          .build());
    }
    return TrackerState.newBuilder()
        .setLastFrameMs(snapshot.lastFrameMs())
        .setLabels(new ArrayList<>(labels))
        .setTracks(tracks)
        .build();
  }

  /**
   * The snapshot stored in {@code state}, or an empty one when it was written for other labels (a
   * model with other classes was swapped in: the smoothed scores of the old labels mean nothing to
   * the new model, so the camera's tracks start afresh).
   */
  public static TrackerSnapshot fromAvro(TrackerState state, List<String> labels) {
    List<String> stored = state.getLabels().stream().map(CharSequence::toString).toList();
    if (!stored.equals(labels)) {
      return new TrackerSnapshot(state.getLastFrameMs(), List.of());
    }
    List<TrackerSnapshot.TrackState> tracks = new ArrayList<>();
    for (TrackRecord r : state.getTracks()) {
      tracks.add(new TrackerSnapshot.TrackState(r.getId().toString(), r.getFirstSeenMs(), r.getLastSeenMs(),
          r.getFrames(), r.getConfirmed(), doubles(r.getMotion()), floats(r.getSmoothed()),
          doubles(r.getScoreSums()),
          r.getTimeline().stream().map(c -> new TrackSummary.LabelChange(c.getAtMs(), c.getLabel().toString()))
              .toList()));
    }
    return new TrackerSnapshot(state.getLastFrameMs(), tracks);
  }

  private static List<Double> boxed(double[] values) {
    List<Double> out = new ArrayList<>(values.length);
    for (double v : values) {
      out.add(v);
    }
    return out;
  }

  private static List<Float> boxed(float[] values) {
    List<Float> out = new ArrayList<>(values.length);
    for (float v : values) {
      out.add(v);
    }
    return out;
  }

  private static double[] doubles(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static float[] floats(List<Float> values) {
    float[] out = new float[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i);
    }
    return out;
  }
}
