package io.emotionstream.stream;

import io.emotionstream.analysis.FrameAnalyzer;
import io.emotionstream.analysis.FrameRejectedException;
import io.emotionstream.analysis.FrameResult;
import io.emotionstream.analysis.RejectReason;
import io.emotionstream.schema.CameraFrame;
import io.emotionstream.schema.FaceEmotion;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The topology's work step: each frame becomes one {@link FaceEmotion} per face, keyed by camera
 * id, followed by one {@link io.emotionstream.schema.EmotionStats} tally of the frame (its faces
 * per label, and whether it was analysed or shed) for the window counts. A frame older than
 * {@code frame.max-age-ms} is shed before decoding ({@link FrameShedder}). A frame that cannot be
 * processed raises {@link FrameRejectedException}; {@link DeadLetterHandler} sends its original
 * bytes to the dead-letter topic and the stream goes on.
 */
final class FrameProcessor implements Processor<String, CameraFrame, String, SpecificRecord> {

  private final FrameAnalyzer analyzer;
  private final FrameStats stats;
  private final FrameShedder shedder;
  private ProcessorContext<String, SpecificRecord> context;

  FrameProcessor(FrameAnalyzer analyzer, FrameStats stats, FrameShedder shedder) {
    this.analyzer = analyzer;
    this.stats = stats;
    this.shedder = shedder;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
  }

  @Override
  public void process(Record<String, CameraFrame> record) {
    stats.recordReceived();
    CameraFrame frame = record.value();
    if (frame == null) {
      throw new FrameRejectedException(RejectReason.EMPTY_RECORD, "record with key " + record.key() + " has no value");
    }
    String shed = shedder.shedReason(frame, record.timestamp());
    if (shed != null) {
      stats.recordShed(frame.getCameraId(), shed);
      context.forward(record.withKey(frame.getCameraId()).withValue(EmotionStatsAggregator.shed(frame.getCameraId())));
      return;
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
    context.forward(record.withKey(frame.getCameraId())
        .withValue(EmotionStatsAggregator.analysed(frame.getCameraId(), result.events())));
    long latency = result.events().isEmpty() ? 0 : result.events().get(0).getLatencyMs();
    stats.recordFrame(result, latency);
  }
}
