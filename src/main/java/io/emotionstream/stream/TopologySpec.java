package io.emotionstream.stream;

import io.emotionstream.analysis.FrameAnalyzer;
import io.emotionstream.analysis.FrameTiming;
import io.emotionstream.config.Settings;
import io.emotionstream.kafka.Topics;
import io.emotionstream.policy.CameraPolicies;
import io.emotionstream.policy.StatsDisclosure;
import io.emotionstream.track.TrackSettings;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Everything {@link EmotionTopology#build} wires together, typed: the values read from the settings
 * ({@link #from}) and the parts an instance or a test supplies (serdes, analyzer, counters, camera
 * policies, disclosure).
 *
 * @param topics the topic names ({@code topic.*})
 * @param serdes the serdes of the frames, events, window counts and tracks
 * @param windows window length, grace period and store retention of the window counts ({@code stats.*})
 * @param analyzer decode, detect, crop, classify
 * @param stats the frame counters
 * @param tracking the {@code track.*} settings
 * @param timing the clock rule ({@code frame.max-clock-skew-ms}): which time each frame has
 * @param maxAge frames older than this are shed ({@code frame.max-age-ms}); zero or negative: never
 * @param policies the camera policies in force
 * @param disclosure what of the window counts may leave
 */
public record TopologySpec(Topics topics, EmotionTopology.TopologySerdes serdes, EmotionTopology.StatsWindows windows,
    FrameAnalyzer analyzer, FrameStats stats, TrackSettings tracking, FrameTiming timing, Duration maxAge,
    Supplier<CameraPolicies> policies, StatsDisclosure disclosure) {

  /** The settings-derived parts from {@code settings}, the others as given. */
  public static TopologySpec from(Settings settings, EmotionTopology.TopologySerdes serdes, FrameAnalyzer analyzer,
      FrameStats stats, Supplier<CameraPolicies> policies, StatsDisclosure disclosure) {
    return new TopologySpec(Topics.from(settings), serdes, EmotionTopology.StatsWindows.from(settings), analyzer, stats,
        TrackSettings.from(settings), FrameTiming.from(settings),
        Duration.ofMillis(settings.longValue("frame.max-age-ms")), policies, disclosure);
  }
}
