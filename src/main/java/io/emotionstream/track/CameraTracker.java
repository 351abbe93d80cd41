package io.emotionstream.track;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.function.Supplier;

/**
 * Follows the faces of one camera from frame to frame.
 *
 * <p><b>Rule.</b> For every frame, each live track's box is predicted to the frame's capture time;
 * detections are paired with tracks greedily, best pair first, where a pair qualifies when its
 * boxes overlap by at least {@link TrackerConfig#minOverlap()} or, for boxes of similar size, when
 * their centres lie within {@link TrackerConfig#maxCentreDistance()} face sizes. Greedy pairing
 * instead of an optimal assignment (Hungarian): faces in a retail frame are few and rarely closer
 * than a face width, where both give the same pairs. An unpaired detection starts a tentative
 * track; a tentative track is confirmed after {@link TrackerConfig#confirmFrames()} frames and
 * dropped, without a summary, when it misses a frame before that. A confirmed track survives
 * unseen for {@link TrackerConfig#maxGap()} (occlusion, missed detections, shed frames), then ends
 * with a {@link TrackSummary}.
 *
 * <p><b>Ids.</b> Random 64-bit ids, drawn fresh for every track: a track never carries anything
 * derived from the face, and the same person seen again later, or by another camera, gets a new id.
 *
 * <p>Not thread-safe: one tracker per camera, used by the stream thread that owns the camera.
 */
public final class CameraTracker {

  private static final SecureRandom IDS = new SecureRandom();

  private final TrackerConfig config;
  private final Supplier<String> newId;
  private final List<Track> tracks = new ArrayList<>();
  private long lastFrameMs = -1;

  public CameraTracker(TrackerConfig config) {
    this(config, CameraTracker::randomId);
  }

  CameraTracker(TrackerConfig config, Supplier<String> newId) {
    this.config = config;
    this.newId = newId;
  }

  /** A tracker that continues the tracks of {@code snapshot}. */
  public static CameraTracker restore(TrackerConfig config, TrackerSnapshot snapshot) {
    CameraTracker tracker = new CameraTracker(config);
    tracker.lastFrameMs = snapshot.lastFrameMs();
    snapshot.tracks().forEach(s -> tracker.tracks.add(Track.restore(s)));
    return tracker;
  }

  public TrackerSnapshot snapshot() {
    return new TrackerSnapshot(lastFrameMs, tracks.stream().map(Track::snapshot).toList());
  }

  /**
   * Where the live tracks' faces are expected in a frame captured at {@code timeMs}: each track's
   * box moved on by its velocity (the tracker itself is not changed). What tracked detection
   * searches around.
   */
  public List<FaceBox> expectedBoxes(long timeMs) {
    double seconds = lastFrameMs < 0 ? 0 : Math.max(0, timeMs - lastFrameMs) / 1000.0;
    List<FaceBox> boxes = new ArrayList<>(tracks.size());
    for (Track track : tracks) {
      MotionFilter ahead = MotionFilter.restore(track.motion.state());
      ahead.predict(seconds);
      boxes.add(ahead.box());
    }
    return boxes;
  }

  /** Live tracks, tentative ones included. */
  public int liveTracks() {
    return tracks.size();
  }

  /**
   * Takes the faces of the frame captured at {@code timeMs} and says which track each belongs to.
   * A frame older than the last one seen is treated as taken at the same time.
   */
  public Update update(long timeMs, List<FaceObservation> faces) {
    long now = Math.max(timeMs, lastFrameMs);
    List<TrackSummary> ended = endStale(now);
    // after every frame all filters stand at that frame's time: move them to this one's
    double seconds = lastFrameMs < 0 ? 0 : (now - lastFrameMs) / 1000.0;
    for (Track track : tracks) {
      track.motion.predict(seconds);
    }
    int[] trackOf = pair(faces);
    boolean[] matched = new boolean[tracks.size()];
    Track[] result = new Track[faces.size()];
    for (int f = 0; f < faces.size(); f++) {
      if (trackOf[f] >= 0) {
        Track track = tracks.get(trackOf[f]);
        matched[trackOf[f]] = true;
        track.observe(now, faces.get(f), config);
        if (!track.confirmed && track.frames >= config.confirmFrames()) {
          track.confirmed = true;
        }
        result[f] = track;
      }
    }
    // a tentative track that missed this frame was most likely a false detection
    for (int t = matched.length - 1; t >= 0; t--) {
      if (!matched[t] && !tracks.get(t).confirmed) {
        tracks.remove(t);
      }
    }
    for (int f = 0; f < faces.size(); f++) {
      if (result[f] == null) {
        Track track = Track.start(newId.get(), now, faces.get(f), config);
        tracks.add(track);
        result[f] = track;
      }
    }
    lastFrameMs = now;
    return new Update(Arrays.stream(result).map(t -> t.assignment(config)).toList(), ended);
  }

  /** Ends every track unseen for longer than the gap at {@code timeMs}; e.g. when a camera falls silent. */
  public List<TrackSummary> endStale(long timeMs) {
    List<TrackSummary> ended = new ArrayList<>();
    for (Iterator<Track> it = tracks.iterator(); it.hasNext(); ) {
      Track track = it.next();
      if (timeMs - track.lastSeenMs > config.maxGap().toMillis()) {
        it.remove();
        if (track.confirmed) {
          ended.add(track.summary(config));
        }
      }
    }
    return ended;
  }

  /** Ends every live track now (the camera is gone for good), summarising the confirmed ones. */
  public List<TrackSummary> endAll() {
    List<TrackSummary> ended = tracks.stream().filter(t -> t.confirmed).map(t -> t.summary(config)).toList();
    tracks.clear();
    return ended;
  }

  /** For each face, the index of its track, or -1. */
  private int[] pair(List<FaceObservation> faces) {
    record Pair(int face, int track, double cost) {}
    List<Pair> pairs = new ArrayList<>();
    for (int t = 0; t < tracks.size(); t++) {
      FaceBox predicted = tracks.get(t).motion.box();
      for (int f = 0; f < faces.size(); f++) {
        FaceBox box = faces.get(f).box();
        double iou = predicted.iou(box);
        double distance = predicted.centreDistance(box);
        double sizeRatio = Math.max(box.width(), predicted.width()) / Math.min(box.width(), predicted.width());
        if (iou >= config.minOverlap() || (distance <= config.maxCentreDistance() && sizeRatio <= 1.5)) {
          pairs.add(new Pair(f, t, (1 - iou) + distance));
        }
      }
    }
    pairs.sort((a, b) -> Double.compare(a.cost(), b.cost()));
    int[] trackOf = new int[faces.size()];
    Arrays.fill(trackOf, -1);
    boolean[] taken = new boolean[tracks.size()];
    for (Pair p : pairs) {
      if (trackOf[p.face()] < 0 && !taken[p.track()]) {
        trackOf[p.face()] = p.track();
        taken[p.track()] = true;
      }
    }
    return trackOf;
  }

  private static String randomId() {
    byte[] bytes = new byte[8];
    IDS.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /**
   * What one frame did to the tracks.
   *
   * @param assignments one per face of the frame, in the frame's face order
   * @param ended tracks that ended before this frame (confirmed ones only)
   */
  public record Update(List<TrackAssignment> assignments, List<TrackSummary> ended) {}
}
