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
 * @param imageWidth width of the picture the events' boxes refer to: the frame as shown (after a
 *     JPEG's EXIF orientation), 0 when unknown
 * @param imageHeight its height
 */
public record FrameResult(List<FaceEmotion> events, long decodeNanos, long detectNanos, long classifyNanos,
    long latencyMillis, boolean fullSearch, int imageWidth, int imageHeight) {

  public FrameResult {
    events = List.copyOf(events);
  }

  public FrameResult(List<FaceEmotion> events, long decodeNanos, long detectNanos, long classifyNanos,
      long latencyMillis, boolean fullSearch) {
    this(events, decodeNanos, detectNanos, classifyNanos, latencyMillis, fullSearch, 0, 0);
  }

  /** A result of a full search. */
  public FrameResult(List<FaceEmotion> events, long decodeNanos, long detectNanos, long classifyNanos,
      long latencyMillis) {
    this(events, decodeNanos, detectNanos, classifyNanos, latencyMillis, true);
  }
}
