package io.emotionstream.stream;

import io.emotionstream.schema.EmotionStats;
import io.emotionstream.schema.FaceEmotion;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Folds face events into per-window emotion counts and the distinct tracks seen. */
final class EmotionStatsAggregator {

  private EmotionStatsAggregator() {}

  static EmotionStats empty() {
    return EmotionStats.newBuilder().setCameraId("").setWindowStart(Instant.EPOCH).setWindowEnd(Instant.EPOCH)
        .setFaces(0).setCounts(new HashMap<>()).setUniqueTracks(0).setTrackIds(new ArrayList<>()).build();
  }

  static EmotionStats add(String camera, FaceEmotion event, EmotionStats stats) {
    Map<String, Long> counts = new HashMap<>(stats.getCounts());
    counts.merge(event.getLabel(), 1L, Long::sum);
    List<String> tracks = stats.getTrackIds();
    if (event.getTrackId() != null && !tracks.contains(event.getTrackId())) {
      tracks = new ArrayList<>(tracks);
      tracks.add(event.getTrackId());
    }
    return EmotionStats.newBuilder(stats).setCameraId(camera).setFaces(stats.getFaces() + 1).setCounts(counts)
        .setModelVersion(event.getModelVersion()).setTrackIds(tracks).setUniqueTracks(tracks.size()).build();
  }
}
