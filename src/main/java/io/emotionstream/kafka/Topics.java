package io.emotionstream.kafka;

import io.emotionstream.config.Settings;
import java.util.List;

/**
 * The processor's topic names ({@code topic.frames}, {@code topic.events}, {@code topic.dead-letter},
 * {@code topic.stats}, {@code topic.zone-stats}, {@code topic.tracks}, {@code topic.audit}).
 */
public record Topics(String frames, String events, String deadLetter, String stats, String zoneStats, String tracks,
    String audit) {

  public static Topics from(Settings settings) {
    return new Topics(settings.string("topic.frames"), settings.string("topic.events"),
        settings.string("topic.dead-letter"), settings.string("topic.stats"), settings.string("topic.zone-stats"),
        settings.string("topic.tracks"), settings.string("topic.audit"));
  }

  public List<String> all() {
    return List.of(frames, events, deadLetter, stats, zoneStats, tracks, audit);
  }
}
