package io.emotionstream.analysis;

import io.emotionstream.config.Settings;

/**
 * Largest frame the processor accepts ({@code frame.max-bytes}, {@code frame.max-pixels}).
 */
public record FrameLimits(long maxBytes, long maxPixels) {

  public static FrameLimits from(Settings settings) {
    return new FrameLimits(settings.longValue("frame.max-bytes"), settings.longValue("frame.max-pixels"));
  }
}
