package io.emotionstream.stream;

import io.emotionstream.schema.EmotionStats;
import io.emotionstream.schema.FaceEmotion;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Folds per-frame tallies (an {@link EmotionStats} for one frame: its faces per label, and one
 * frame analysed or shed) into per-window counts.
 */
final class EmotionStatsAggregator {

  private EmotionStatsAggregator() {}

  static EmotionStats empty() {
    return EmotionStats.newBuilder().setCameraId("").setWindowStart(Instant.EPOCH).setWindowEnd(Instant.EPOCH)
        .setFaces(0).setCounts(new HashMap<>()).build();
  }

  /** The tally of an analysed frame and its events (none when it shows no face). */
  static EmotionStats analysed(String camera, List<FaceEmotion> events) {
    Map<String, Long> counts = new HashMap<>();
    String version = null;
    for (FaceEmotion event : events) {
      counts.merge(event.getLabel(), 1L, Long::sum);
      version = event.getModelVersion();
    }
    return EmotionStats.newBuilder(empty()).setCameraId(camera).setFaces(events.size()).setCounts(counts)
        .setModelVersion(version).setFramesAnalysed(1).build();
  }

  /** The tally of a frame that was shed. */
  static EmotionStats shed(String camera) {
    return EmotionStats.newBuilder(empty()).setCameraId(camera).setFramesShed(1).build();
  }

  static EmotionStats add(String camera, EmotionStats tally, EmotionStats stats) {
    Map<String, Long> counts = new HashMap<>(stats.getCounts());
    tally.getCounts().forEach((label, n) -> counts.merge(label, n, Long::sum));
    EmotionStats.Builder out = EmotionStats.newBuilder(stats).setCameraId(camera)
        .setFaces(stats.getFaces() + tally.getFaces()).setCounts(counts)
        .setFramesAnalysed(stats.getFramesAnalysed() + tally.getFramesAnalysed())
        .setFramesShed(stats.getFramesShed() + tally.getFramesShed());
    if (tally.getModelVersion() != null) {
      out.setModelVersion(tally.getModelVersion());
    }
    return out.build();
  }
}
