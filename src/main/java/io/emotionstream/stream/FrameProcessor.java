package io.emotionstream.stream;

import io.emotionstream.analysis.FrameAnalyzer;
import io.emotionstream.analysis.FrameRejectedException;
import io.emotionstream.analysis.FrameResult;
import io.emotionstream.analysis.RejectReason;
import io.emotionstream.schema.CameraFrame;
import io.emotionstream.schema.FaceEmotion;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The topology's work step: each frame becomes one record per face, keyed by camera id. A frame
 * that cannot be processed raises {@link FrameRejectedException}; {@link DeadLetterHandler} sends
 * its original bytes to the dead-letter topic and the stream goes on.
 */
final class FrameProcessor implements Processor<String, CameraFrame, String, FaceEmotion> {

  private final FrameAnalyzer analyzer;
  private final FrameStats stats;
  private ProcessorContext<String, FaceEmotion> context;

  FrameProcessor(FrameAnalyzer analyzer, FrameStats stats) {
    this.analyzer = analyzer;
    this.stats = stats;
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
      result = analyzer.analyze(frame);
    } catch (FrameRejectedException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new FrameRejectedException(RejectReason.PROCESSING_FAILED, "camera " + frame.getCameraId()
          + " frame " + frame.getSequence() + ": " + e, e);
    }
    for (FaceEmotion event : result.events()) {
      context.forward(record.withKey(frame.getCameraId()).withValue(event));
    }
    stats.recordFrame(result);
  }
}
