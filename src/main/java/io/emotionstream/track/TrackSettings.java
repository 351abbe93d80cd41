package io.emotionstream.track;

import io.emotionstream.config.Settings;
import java.time.Duration;
import java.util.List;

/**
 * The {@code track.*} settings.
 *
 * @param enabled whether events carry tracks
 * @param maxGap how long a confirmed track survives unseen
 * @param smoothing time constant of the smoothed emotion
 * @param confirmFrames frames before a track counts
 * @param minOverlap least IoU that matches a detection to a track on its own
 * @param fullSearchEvery a full face search every this many frames of a camera, the tracked faces
 *     refined in between ({@code track.full-search-every}); 1: a full search on every frame
 */
public record TrackSettings(boolean enabled, Duration maxGap, Duration smoothing, int confirmFrames, double minOverlap,
    int fullSearchEvery) {

  /** Centre distance, in face sizes, that matches boxes of similar size where they overlap less. */
  private static final double MAX_CENTRE_DISTANCE = 0.6;
  private static final int TIMELINE_LIMIT = 64;

  public static TrackSettings from(Settings settings) {
    return new TrackSettings(settings.bool("track.enabled"), Duration.ofMillis(settings.longValue("track.max-gap-ms")),
        Duration.ofMillis(settings.longValue("track.smoothing-ms")), settings.integer("track.confirm-frames"),
        settings.decimal("track.min-overlap"), settings.integer("track.full-search-every"));
  }

  public TrackerConfig trackerConfig(List<String> labels) {
    return new TrackerConfig(labels, minOverlap, MAX_CENTRE_DISTANCE, confirmFrames, maxGap, smoothing, TIMELINE_LIMIT);
  }
}
