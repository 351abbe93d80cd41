package io.emotionstream.track;

import java.util.ArrayList;
import java.util.List;

/** One live track: its motion, its smoothed emotion and what its summary will need. Mutable. */
final class Track {

  final String id;
  final long firstSeenMs;
  long lastSeenMs;
  int frames;
  boolean confirmed;
  final MotionFilter motion;
  private final float[] smoothed;
  private final double[] scoreSums;
  private final List<TrackSummary.LabelChange> timeline;

  private Track(String id, long firstSeenMs, long lastSeenMs, int frames, boolean confirmed,
      MotionFilter motion, float[] smoothed, double[] scoreSums, List<TrackSummary.LabelChange> timeline) {
    this.id = id;
    this.firstSeenMs = firstSeenMs;
    this.lastSeenMs = lastSeenMs;
    this.frames = frames;
    this.confirmed = confirmed;
    this.motion = motion;
    this.smoothed = smoothed;
    this.scoreSums = scoreSums;
    this.timeline = new ArrayList<>(timeline);
  }

  static Track start(String id, long timeMs, FaceObservation face, TrackerConfig config) {
    float[] scores = checkedScores(face, config);
    Track track = new Track(id, timeMs, timeMs, 0, config.confirmFrames() <= 1, MotionFilter.start(face.box()),
        scores, new double[scores.length], List.of());
    track.addScores(timeMs, scores, config);
    return track;
  }

  static Track restore(TrackerSnapshot.TrackState s) {
    return new Track(s.id(), s.firstSeenMs(), s.lastSeenMs(), s.frames(), s.confirmed(),
        MotionFilter.restore(s.motion()), s.smoothed().clone(), s.scoreSums().clone(), s.timeline());
  }

  TrackerSnapshot.TrackState snapshot() {
    return new TrackerSnapshot.TrackState(id, firstSeenMs, lastSeenMs, frames, confirmed, motion.state(),
        smoothed, scoreSums, timeline);
  }

  /** Adds a matched face seen at {@code timeMs} (the filter has been predicted to that time). */
  void observe(long timeMs, FaceObservation face, TrackerConfig config) {
    float[] scores = checkedScores(face, config);
    double dt = Math.max(0, timeMs - lastSeenMs) / 1000.0;
    double tau = config.smoothing().toMillis() / 1000.0;
    // exponential smoothing with a time constant, so that the weight of a frame does not depend on
    // the frame rate (or on shed frames): after tau seconds an old score weighs 1/e
    double alpha = tau <= 0 ? 1 : 1 - Math.exp(-dt / tau);
    for (int i = 0; i < smoothed.length; i++) {
      smoothed[i] += (float) (alpha * (scores[i] - smoothed[i]));
    }
    motion.update(face.box());
    lastSeenMs = Math.max(lastSeenMs, timeMs);
    addScores(timeMs, scores, config);
  }

  private void addScores(long timeMs, float[] scores, TrackerConfig config) {
    frames++;
    for (int i = 0; i < scores.length; i++) {
      scoreSums[i] += scores[i];
    }
    String label = smoothedLabel(config);
    if ((timeline.isEmpty() || !timeline.get(timeline.size() - 1).label().equals(label))
        && timeline.size() < config.timelineLimit()) {
      timeline.add(new TrackSummary.LabelChange(timeMs, label));
    }
  }

  String smoothedLabel(TrackerConfig config) {
    return config.labels().get(argMax(smoothed));
  }

  TrackAssignment assignment(TrackerConfig config) {
    return new TrackAssignment(id, confirmed, smoothedLabel(config), smoothed);
  }

  TrackSummary summary(TrackerConfig config) {
    float[] mean = new float[scoreSums.length];
    for (int i = 0; i < mean.length; i++) {
      mean[i] = (float) (scoreSums[i] / Math.max(1, frames));
    }
    return new TrackSummary(id, firstSeenMs, lastSeenMs, frames, config.labels().get(argMax(mean)), mean, timeline);
  }

  private static float[] checkedScores(FaceObservation face, TrackerConfig config) {
    float[] scores = face.scores();
    if (scores.length != config.labels().size()) {
      throw new IllegalArgumentException("a face has " + scores.length + " scores, the tracker knows "
          + config.labels().size() + " labels " + config.labels());
    }
    return scores;
  }

  private static int argMax(float[] values) {
    int best = 0;
    for (int i = 1; i < values.length; i++) {
      if (values[i] > values[best]) {
        best = i;
      }
    }
    return best;
  }
}
