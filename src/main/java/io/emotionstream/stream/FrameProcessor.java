package io.emotionstream.stream;

import io.emotionstream.analysis.FrameAnalyzer;
import io.emotionstream.analysis.FrameRejectedException;
import io.emotionstream.analysis.FrameResult;
import io.emotionstream.analysis.RejectReason;
import io.emotionstream.schema.CameraFrame;
import io.emotionstream.schema.FaceEmotion;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The topology's work step: each frame becomes one record per face, keyed by camera id. A frame
 * that cannot be processed raises {@link FrameRejectedException}; {@link DeadLetterHandler} sends
 * its original bytes to the dead-letter topic and the stream goes on.
 */
final class FrameProcessor implements Processor<String, CameraFrame, String, FaceEmotion> {

  /** Streams config key: {@code frame.max-clock-skew-ms}. */
  static final String MAX_CLOCK_SKEW_CONFIG = "emotionstream.frame.max-clock-skew-ms";

  private final FrameAnalyzer analyzer;
  private final FrameStats stats;
  private final long maxClockSkewMillis;
  private ProcessorContext<String, FaceEmotion> context;

  /** @param maxClockSkewMillis how far a capture time may lie from the record's timestamp and still be believed */
  FrameProcessor(FrameAnalyzer analyzer, FrameStats stats, long maxClockSkewMillis) {
    this.analyzer = analyzer;
    this.stats = stats;
    this.maxClockSkewMillis = maxClockSkewMillis;
  }

  @Override
  public void init(ProcessorContext<String, FaceEmotion> context) {
    this.context = context;
  }

  @Override
  public void process(Record<String, CameraFrame> record) {
    stats.recordReceived();
    CameraFrame frame = record.value();
    if (frame == null) {
      throw new FrameRejectedException(RejectReason.EMPTY_RECORD, "record with key " + record.key() + " has no value");
    }
    FrameResult result;
    try {
      result = analyzer.analyze(frame, latencyOrigin(frame, record.timestamp()));
    } catch (FrameRejectedException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new FrameRejectedException(RejectReason.PROCESSING_FAILED, "camera " + frame.getCameraId()
          + " frame " + frame.getSequence() + ": " + e, e);
    }
    for (FaceEmotion event : result.events()) {
      context.forward(record.withKey(frame.getCameraId()).withValue(event));
    }
    long latency = result.events().isEmpty() ? 0 : result.events().get(0).getLatencyMs();
    stats.recordFrame(result, latency);
  }

  /**
   * The capture time, unless it lies more than {@code frame.max-clock-skew-ms} from the record's
   * timestamp (set by the producer or the broker): a camera stamping its frames in 2999 or 1970 made
   * latencies of +-10^12 ms that stayed in the latency metric's max and sum. Such frames are
   * counted per camera and their latency is measured from the record's timestamp.
   */
  private Instant latencyOrigin(CameraFrame frame, long recordTimestamp) {
    Instant capture = frame.getCaptureTime();
    if (recordTimestamp < 0 || Math.abs(capture.toEpochMilli() - recordTimestamp) <= maxClockSkewMillis) {
      return capture;
    }
    stats.recordClockSkew(frame.getCameraId());
    return Instant.ofEpochMilli(recordTimestamp);
  }
}
