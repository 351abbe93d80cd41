package io.emotionstream.analysis;

import io.emotionstream.schema.FaceEmotion;
import java.util.List;

/**
 * What one frame produced, with the time each stage took.
 *
 * @param latencyMillis from the frame's capture time to the end of its analysis (what each event
 *     carries as its latency)
 */
public record FrameResult(List<FaceEmotion> events, long decodeNanos, long detectNanos, long classifyNanos,
    long latencyMillis) {

  public FrameResult {
    events = List.copyOf(events);
  }
}
