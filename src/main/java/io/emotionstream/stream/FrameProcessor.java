package io.emotionstream.stream;

import io.emotionstream.analysis.FrameAnalyzer;
import io.emotionstream.analysis.FrameRejectedException;
import io.emotionstream.analysis.FrameResult;
import io.emotionstream.analysis.RejectReason;
import io.emotionstream.detect.FaceRegion;
import io.emotionstream.schema.CameraFrame;
import io.emotionstream.schema.FaceEmotion;
import io.emotionstream.schema.FaceTrack;
import io.emotionstream.schema.TrackerState;
import java.time.Duration;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The topology's work step: each frame becomes one record per face, keyed by camera id, with the
 * face's track when tracking is on; a track that ended becomes a {@link FaceTrack} record (the
 * topology routes both kinds to their topics). A frame that cannot be processed raises
 * {@link FrameRejectedException}; {@link DeadLetterHandler} sends its original bytes to the
 * dead-letter topic and the stream goes on.
 */
final class FrameProcessor implements Processor<String, CameraFrame, String, SpecificRecord> {

  /** How often tracks of cameras that fell silent are checked for their end (wall clock). */
  private static final Duration SILENCE_CHECK = Duration.ofSeconds(1);

  private final FrameAnalyzer analyzer;
  private final FrameStats stats;
  private final TrackSettings tracking;
  private ProcessorContext<String, SpecificRecord> context;
  private FrameTracks tracks;

  FrameProcessor(FrameAnalyzer analyzer, FrameStats stats, TrackSettings tracking) {
    this.analyzer = analyzer;
    this.stats = stats;
    this.tracking = tracking;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    if (tracking.enabled()) {
      KeyValueStore<String, TrackerState> store = context.getStateStore(FrameTracks.STORE);
      tracks = new FrameTracks(tracking, store);
      tracks.loadAll(context.currentSystemTimeMs());
      context.schedule(SILENCE_CHECK, PunctuationType.WALL_CLOCK_TIME,
          now -> forwardEnded(tracks.endSilent(now), now));
    }
  }

  private void forwardEnded(List<FaceTrack> ended, long timestamp) {
    for (FaceTrack track : ended) {
      context.forward(new Record<>(track.getCameraId(), track, timestamp));
    }
  }

  @Override
  public void process(Record<String, CameraFrame> record) {
    stats.recordReceived();
    CameraFrame frame = record.value();
    if (frame == null) {
      throw new FrameRejectedException(RejectReason.EMPTY_RECORD, "record with key " + record.key() + " has no value");
    }
    FrameResult result;
    // between full searches, only the faces this camera's tracks expect are looked for
    List<FaceRegion> plan = tracks == null ? null : tracks.searchPlan(frame.getCameraId(), frame.getCaptureTime());
    try {
      result = analyzer.analyze(frame, plan);
    } catch (FrameRejectedException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new FrameRejectedException(RejectReason.PROCESSING_FAILED, "camera " + frame.getCameraId()
          + " frame " + frame.getSequence() + ": " + e, e);
    }
    List<FaceEmotion> events = result.events();
    if (tracks != null) {
      FrameTracks.Tracked tracked = tracks.track(frame.getCameraId(), frame.getCaptureTime(), events,
          context.currentSystemTimeMs());
      forwardEnded(tracked.ended(), record.timestamp());
      events = tracked.events();
      tracks.searched(frame.getCameraId(), plan, events.size());
    }
    for (FaceEmotion event : events) {
      context.forward(record.withKey(frame.getCameraId()).withValue((SpecificRecord) event));
    }
    stats.recordFrame(result);
  }
}
