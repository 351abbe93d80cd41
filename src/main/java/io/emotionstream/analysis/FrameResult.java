package io.emotionstream.analysis;

import io.emotionstream.schema.FaceEmotion;
import java.util.List;

/** What one frame produced, with the time each stage took. */
public record FrameResult(List<FaceEmotion> events, long decodeNanos, long detectNanos, long classifyNanos) {

  public FrameResult {
    events = List.copyOf(events);
  }
}
