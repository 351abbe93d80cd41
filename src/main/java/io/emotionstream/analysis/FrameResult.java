package io.emotionstream.analysis;

import io.emotionstream.schema.FaceEmotion;
import java.util.List;

/**
 * What one frame produced, with the time each stage took.
 *
 * @param latencyMillis from the frame's capture time to the end of its analysis (what each event
 *     carries as its latency)
 * @param fullSearch whether the faces were searched for in the whole frame (else only around the
 *     faces a tracker expected)
 */
public record FrameResult(List<FaceEmotion> events, long decodeNanos, long detectNanos, long classifyNanos,
    long latencyMillis, boolean fullSearch) {

  public FrameResult {
    events = List.copyOf(events);
  }

  /** A result of a full search. */
  public FrameResult(List<FaceEmotion> events, long decodeNanos, long detectNanos, long classifyNanos,
      long latencyMillis) {
    this(events, decodeNanos, detectNanos, classifyNanos, latencyMillis, true);
  }
}
