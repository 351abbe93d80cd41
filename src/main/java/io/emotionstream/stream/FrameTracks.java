package io.emotionstream.stream;

import io.emotionstream.track.TrackSettings;
import io.emotionstream.detect.FaceRegion;
import io.emotionstream.schema.FaceEmotion;
import io.emotionstream.schema.FaceTrack;
import io.emotionstream.schema.LabelChange;
import io.emotionstream.schema.LabelScore;
import io.emotionstream.schema.TrackLabelScore;
import io.emotionstream.schema.TrackerState;
import io.emotionstream.track.CameraTracker;
import io.emotionstream.track.DetectionSchedule;
import io.emotionstream.track.FaceBox;
import io.emotionstream.track.FaceObservation;
import io.emotionstream.track.TrackAssignment;
import io.emotionstream.track.TrackSummary;
import io.emotionstream.track.TrackerSnapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The tracking step of the frame processor: gives each face event of a frame its camera's track
 * and smoothed emotion, and turns ended tracks into {@link FaceTrack} summaries.
 *
 * <p>Each camera's tracker lives in memory for speed and is written through to the tracker store
 * after every frame; the store's changelog is what a restarted or rebalanced processor continues
 * from (under {@code exactly_once_v2} it commits together with the events). One instance per
 * stream task, like its processor: the cameras of a task are only ever touched by one thread.
 */
final class FrameTracks {

  /** Name of the key-value store (camera id -> {@link TrackerState}) and of its changelog. */
  static final String STORE = "face-tracker-store";

  private final TrackSettings settings;
  private final KeyValueStore<String, TrackerState> store;
  private final Map<String, Camera> cameras = new HashMap<>();

  private static final class Camera {
    CameraTracker tracker;
    DetectionSchedule schedule;
    List<String> labels;
    String siteId;
    String zone;
    Map<String, String> tags = Map.of();
    String modelVersion;
    long lastFrameMs;
    long lastWallMs;
  }

  FrameTracks(TrackSettings settings, KeyValueStore<String, TrackerState> store) {
    this.settings = settings;
    this.store = store;
  }

  /**
   * Where to look for the faces of the camera's next frame: null for a full search (the schedule's
   * turn, a camera not seen yet, or none of its faces followed any more: an empty scene, or a camera
   * sending slower than the tracks' gap), else the boxes the camera's tracks expect.
   */
  List<FaceRegion> searchPlan(String cameraId, Instant captureTime) {
    if (settings.fullSearchEvery() <= 1) {
      return null;
    }
    Camera camera = cameras.get(cameraId);
    if (camera == null || camera.schedule.fullSearchNext() || camera.tracker.liveTracks() == 0) {
      return null;
    }
    List<FaceRegion> regions = new ArrayList<>();
    for (FaceBox b : camera.tracker.expectedBoxes(captureTime.toEpochMilli())) {
      regions.add(new FaceRegion((float) b.x1(), (float) b.y1(), (float) b.x2(), (float) b.y2()));
    }
    return regions;
  }

  /**
   * Tells the camera's schedule how its frame was searched: a full search (planned, or the fallback
   * of a refinement that did not find every tracked face), or a refinement that found them all.
   */
  void searched(String cameraId, List<FaceRegion> plan, boolean fullSearch, int found) {
    Camera camera = cameras.get(cameraId);
    if (camera == null) {
      return;
    }
    if (fullSearch && plan != null && !plan.isEmpty()) {
      camera.schedule.refinementFailed(); // the refinement missed a face: the frame got the full search
    } else if (fullSearch) {
      camera.schedule.searched();
    } else {
      camera.schedule.refined(plan == null ? 0 : plan.size(), found);
    }
  }

  /** The result of one frame: its events with their tracks, and the tracks that ended. */
  record Tracked(List<FaceEmotion> events, List<FaceTrack> ended) {}

  Tracked track(String cameraId, Instant captureTime, List<FaceEmotion> events, long wallMs) {
    if (events.isEmpty() && !cameras.containsKey(cameraId) && store.get(cameraId) == null) {
      return new Tracked(events, List.of());
    }
    List<String> labels = events.isEmpty() ? null
        : events.get(0).getScores().stream().map(LabelScore::getLabel).toList();
    Camera camera = camera(cameraId, labels);
    List<FaceTrack> ended = new ArrayList<>();
    if (labels != null && !labels.equals(camera.labels)) {
      // another model (other classes) took over: the smoothed scores of the old labels mean nothing
      // to it, so the camera's tracks end here and start afresh
      camera.tracker.endAll().forEach(s -> ended.add(summary(cameraId, camera, s)));
      camera.tracker = new CameraTracker(settings.trackerConfig(labels));
      camera.labels = labels;
    }
    List<FaceObservation> faces = new ArrayList<>();
    for (FaceEmotion e : events) {
      float[] scores = new float[e.getScores().size()];
      for (int i = 0; i < scores.length; i++) {
        scores[i] = e.getScores().get(i).getScore();
      }
      var b = e.getBox();
      faces.add(new FaceObservation(new FaceBox(b.getX(), b.getY(), b.getX() + Math.max(1e-3f, b.getWidth()),
          b.getY() + Math.max(1e-3f, b.getHeight())), scores));
    }
    long timeMs = captureTime.toEpochMilli();
    CameraTracker.Update update = camera.tracker.update(timeMs, faces);
    update.ended().forEach(s -> ended.add(summary(cameraId, camera, s)));
    List<FaceEmotion> out = new ArrayList<>(events.size());
    for (int i = 0; i < events.size(); i++) {
      TrackAssignment a = update.assignments().get(i);
      List<LabelScore> smoothed = new ArrayList<>();
      float[] s = a.smoothedScores();
      for (int l = 0; l < s.length; l++) {
        smoothed.add(new LabelScore(camera.labels.get(l), s[l]));
      }
      out.add(FaceEmotion.newBuilder(events.get(i)).setTrackId(a.trackId()).setSmoothedLabel(a.smoothedLabel())
          .setSmoothedScores(smoothed).build());
    }
    if (!events.isEmpty()) {
      camera.siteId = events.get(0).getSiteId();
      camera.zone = events.get(0).getZone();
      camera.tags = events.get(0).getTags() == null ? Map.of() : events.get(0).getTags();
      camera.modelVersion = events.get(0).getModelVersion();
    }
    camera.lastFrameMs = Math.max(camera.lastFrameMs, timeMs);
    camera.lastWallMs = wallMs;
    save(cameraId, camera);
    return new Tracked(out, ended);
  }

  /**
   * Ends the tracks of cameras that sent no frame for longer than the gap (a camera switched off,
   * or a scene left empty while frames without faces keep coming is handled by {@link #track}).
   * The tracker's own clock is the cameras' frame time; a silent camera's is moved on by the wall
   * time that passed since its last frame.
   *
   * <p>A silent camera with no track left is forgotten: removed from memory and from the store (a
   * tombstone on the changelog), so that state and restore time follow the cameras in view, not
   * every camera id ever seen. Its next frame starts a new tracker, as a camera new to the task does.
   */
  List<FaceTrack> endSilent(long wallMs) {
    List<FaceTrack> ended = new ArrayList<>();
    for (var it = cameras.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Camera> e = it.next();
      Camera camera = e.getValue();
      if (wallMs - camera.lastWallMs <= settings.maxGap().toMillis()) {
        continue;
      }
      List<TrackSummary> summaries = camera.tracker.liveTracks() == 0 ? List.of()
          : camera.tracker.endStale(camera.lastFrameMs + (wallMs - camera.lastWallMs));
      summaries.forEach(s -> ended.add(summary(e.getKey(), camera, s)));
      if (camera.tracker.liveTracks() == 0) {
        store.delete(e.getKey());
        it.remove();
      } else if (!summaries.isEmpty()) {
        save(e.getKey(), camera);
      }
    }
    return ended;
  }

  /** Cameras this task keeps trackers for now. */
  int cameras() {
    return cameras.size();
  }

  /** After a restart or rebalance: load every camera of this task from the store. */
  void loadAll(long wallMs) {
    try (KeyValueIterator<String, TrackerState> it = store.all()) {
      while (it.hasNext()) {
        var kv = it.next();
        if (!cameras.containsKey(kv.key)) {
          Camera camera = restore(kv.value);
          camera.schedule = new DetectionSchedule(Math.max(1, settings.fullSearchEvery()));
          camera.lastWallMs = wallMs;
          cameras.put(kv.key, camera);
        }
      }
    }
  }

  private Camera camera(String cameraId, List<String> labels) {
    Camera camera = cameras.get(cameraId);
    if (camera == null) {
      // a camera new to this task (or to this process) starts with a full search
      TrackerState state = store.get(cameraId);
      if (state != null) {
        camera = restore(state);
      } else {
        camera = new Camera();
        camera.labels = labels == null ? List.of("unknown") : labels;
        camera.tracker = new CameraTracker(settings.trackerConfig(camera.labels));
        camera.lastFrameMs = -1;
      }
      camera.schedule = new DetectionSchedule(Math.max(1, settings.fullSearchEvery()));
      cameras.put(cameraId, camera);
    }
    return camera;
  }

  private Camera restore(TrackerState state) {
    Camera camera = new Camera();
    camera.labels = state.getLabels().stream().map(CharSequence::toString).toList();
    TrackerSnapshot snapshot = TrackerStates.fromAvro(state, camera.labels);
    camera.tracker = CameraTracker.restore(settings.trackerConfig(camera.labels), snapshot);
    camera.lastFrameMs = snapshot.lastFrameMs();
    return camera;
  }

  private void save(String cameraId, Camera camera) {
    store.put(cameraId, TrackerStates.toAvro(camera.tracker.snapshot(), camera.labels));
  }

  private static FaceTrack summary(String cameraId, Camera camera, TrackSummary s) {
    float[] mean = s.meanScores();
    List<TrackLabelScore> scores = new ArrayList<>();
    for (int i = 0; i < mean.length; i++) {
      scores.add(new TrackLabelScore(camera.labels.get(i), mean[i]));
    }
    return FaceTrack.newBuilder()
        .setCameraId(cameraId)
        .setTrackId(s.trackId())
        .setFirstSeen(Instant.ofEpochMilli(s.firstSeenMs()))
        .setLastSeen(Instant.ofEpochMilli(s.lastSeenMs()))
        .setDwellMs(s.dwellMs())
        .setFrames(s.frames())
        .setDominantLabel(s.dominant())
        .setMeanScores(scores)
        .setTimeline(s.timeline().stream()
            .map(c -> new LabelChange(Instant.ofEpochMilli(c.atMs()), c.label())).toList())
        .setSiteId(camera.siteId)
        .setZone(camera.zone)
        .setTags(new HashMap<>(camera.tags))
        .setModelVersion(camera.modelVersion)
        .build();
  }
}
