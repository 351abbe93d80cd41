package io.emotionstream.stream;

import io.emotionstream.analysis.FrameAnalyzer;
import io.emotionstream.schema.CameraFrame;
import io.emotionstream.schema.EmotionStats;
import io.emotionstream.schema.FaceEmotion;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Folds per-frame tallies (an {@link EmotionStats} for one frame: its faces per label, its tracks,
 * one frame analysed or shed, and the frame's site, zone and tags) into per-window counts and the
 * distinct tracks of the window ({@link CameraWindows} decides the windows).
 */
final class EmotionStatsAggregator {

  private EmotionStatsAggregator() {}

  static EmotionStats empty() {
    return EmotionStats.newBuilder().setCameraId("").setWindowStart(Instant.EPOCH).setWindowEnd(Instant.EPOCH)
        .setFaces(0).setCounts(new HashMap<>()).setUniqueTracks(0).setTrackIds(new ArrayList<>()).build();
  }

  /** The tally of an analysed frame and its events (none when it shows no face). */
  static EmotionStats analysed(CameraFrame frame, List<FaceEmotion> events) {
    String camera = frame.getCameraId();
    Map<String, Long> counts = new HashMap<>();
    List<String> tracks = new ArrayList<>();
    String version = null;
    for (FaceEmotion event : events) {
      counts.merge(event.getLabel(), 1L, Long::sum);
      version = event.getModelVersion();
      if (event.getTrackId() != null && !tracks.contains(event.getTrackId())) {
        tracks.add(event.getTrackId());
      }
    }
    return place(EmotionStats.newBuilder(empty()), frame).setFaces(events.size()).setCounts(counts)
        .setModelVersion(version).setFramesAnalysed(1).setTrackIds(tracks).setUniqueTracks(tracks.size()).build();
  }

  /** The tally of a frame that was shed. */
  static EmotionStats shed(CameraFrame frame) {
    return place(EmotionStats.newBuilder(empty()), frame).setFramesShed(1).build();
  }

  /** The same tally for one of the camera's policy zones: its zone is the policy zone's name. */
  static EmotionStats inZone(EmotionStats tally, String zone) {
    return EmotionStats.newBuilder(tally).setZone(zone).build();
  }

  /** Camera, site, zone and tags of the frame. */
  private static EmotionStats.Builder place(EmotionStats.Builder b, CameraFrame frame) {
    Map<String, String> tags = frame.getTags() == null ? Map.of() : frame.getTags();
    return b.setCameraId(frame.getCameraId()).setSiteId(frame.getSiteId()).setZone(tags.get(FrameAnalyzer.ZONE_TAG))
        .setTags(new HashMap<>(tags));
  }

  static EmotionStats add(String camera, EmotionStats tally, EmotionStats stats) {
    Map<String, Long> counts = new HashMap<>(stats.getCounts());
    tally.getCounts().forEach((label, n) -> counts.merge(label, n, Long::sum));
    // the camera of the tally: a zone's windows are keyed <camera>/<zone> and still name their camera
    EmotionStats.Builder out = EmotionStats.newBuilder(stats).setCameraId(tally.getCameraId())
        .setFaces(stats.getFaces() + tally.getFaces()).setCounts(counts)
        .setFramesAnalysed(stats.getFramesAnalysed() + tally.getFramesAnalysed())
        .setFramesShed(stats.getFramesShed() + tally.getFramesShed());
    List<String> tracks = stats.getTrackIds();
    for (String track : tally.getTrackIds()) {
      if (!tracks.contains(track)) {
        tracks = tracks == stats.getTrackIds() ? new ArrayList<>(tracks) : tracks;
        tracks.add(track);
      }
    }
    out.setTrackIds(tracks).setUniqueTracks(tracks.size());
    if (tally.getModelVersion() != null) {
      out.setModelVersion(tally.getModelVersion());
    }
    // site, zone and tags of the window's latest frame
    out.setSiteId(tally.getSiteId()).setZone(tally.getZone()).setTags(tally.getTags());
    return out.build();
  }
}
