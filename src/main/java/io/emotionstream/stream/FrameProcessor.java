package io.emotionstream.stream;

import io.emotionstream.track.TrackSettings;
import io.emotionstream.analysis.FrameAnalyzer;
import io.emotionstream.analysis.FrameRejectedException;
import io.emotionstream.analysis.FrameResult;
import io.emotionstream.analysis.FrameTiming;
import io.emotionstream.analysis.RejectReason;
import io.emotionstream.detect.FaceRegion;
import io.emotionstream.policy.CameraIds;
import io.emotionstream.policy.CameraPolicies;
import io.emotionstream.policy.CameraPolicy;
import io.emotionstream.policy.Refusal;
import io.emotionstream.schema.CameraFrame;
import io.emotionstream.schema.EmotionStats;
import io.emotionstream.schema.FaceEmotion;
import io.emotionstream.schema.FaceTrack;
import io.emotionstream.schema.TrackerState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The topology's work step: each frame becomes one {@link FaceEmotion} per face, keyed by camera
 * id, with the face's track when tracking is on, followed by one {@link EmotionStats} tally of the
 * frame (its faces per label and tracks, and whether it was analysed or shed) for the window
 * counts, and one per zone of the camera keyed {@link #zoneKey}; a track that ended becomes a
 * {@link FaceTrack} record. The topology routes each kind to its topic.
 *
 * <p>First the camera policy in force decides: a frame of a camera that is not listed, not opted
 * in, or in a prohibited context without an exemption is counted ({@link PolicyRefusals}) and
 * nothing else: not decoded, not tallied. Faces in the camera's privacy masks are dropped by the
 * analyzer before classification. A frame older than {@code frame.max-age-ms} is shed before
 * decoding ({@link FrameShedder}). A frame that cannot be processed raises {@link FrameRejectedException};
 * {@link DeadLetterHandler} sends its original bytes to the dead-letter topic and the stream goes on.
 */
final class FrameProcessor implements Processor<String, CameraFrame, String, SpecificRecord> {

  /** How often tracks of cameras that fell silent are checked for their end (wall clock). */
  private static final Duration SILENCE_CHECK = Duration.ofSeconds(1);

  private final FrameAnalyzer analyzer;
  private final FrameStats stats;
  private final TrackSettings tracking;
  private final FrameShedder shedder;
  private final FrameTiming timing;
  private final Clock clock;
  private final Supplier<CameraPolicies> policies;
  private final PolicyRefusals refusals;
  private ProcessorContext<String, SpecificRecord> context;
  private FrameTracks tracks;

  /** @param timing the clock rule: which time each frame has */
  FrameProcessor(FrameAnalyzer analyzer, FrameStats stats, TrackSettings tracking, FrameShedder shedder,
      FrameTiming timing, Clock clock, Supplier<CameraPolicies> policies, PolicyRefusals refusals) {
    this.policies = policies;
    this.refusals = refusals;
    this.analyzer = analyzer;
    this.stats = stats;
    this.tracking = tracking;
    this.shedder = shedder;
    this.timing = timing;
    this.clock = clock;
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
      throw new FrameRejectedException(RejectReason.EMPTY_RECORD, "record with key " + CameraIds.quote(record.key())
          + " has no value");
    }
    String camera = frame.getCameraId();
    String invalid = CameraIds.problem(camera);
    if (invalid != null) {
      throw new FrameRejectedException(RejectReason.INVALID_CAMERA_ID, invalid + " (frame " + frame.getSequence()
          + ", record key " + CameraIds.quote(record.key()) + ")");
    }
    CameraPolicies inForce = policies.get();
    Refusal refusal = inForce.refusal(camera);
    if (refusal != null) {
      refusals.refuse(camera, refusal, inForce);
      return;
    }
    CameraPolicy policy = inForce.policy(camera);
    // the frame's time (FrameTiming): its capture time, unless the camera's clock is off (then the
    // record's timestamp); its age for shedding, its latency, its window and its camera's track clock
    FrameTiming.FrameTime time = timing.frameTime(frame.getCaptureTime(), record.timestamp(), clock.millis());
    if (time.skewed()) {
      stats.recordClockSkew(camera);
    }
    Instant since = time.instant();
    String shed = shedder.shedReason(camera, time.millis());
    if (shed != null) {
      stats.recordShed(camera, shed);
      forwardTally(record, camera, EmotionStatsAggregator.shed(frame), since);
      for (String zone : policy.zones().keySet()) {
        forwardTally(record, zoneKey(camera, zone), EmotionStatsAggregator.inZone(EmotionStatsAggregator.shed(frame), zone),
            since);
      }
      return;
    }
    FrameResult result;
    // between full searches, only the faces this camera's tracks expect are looked for
    List<FaceRegion> plan = tracks == null ? null : tracks.searchPlan(frame.getCameraId(), since);
    try {
      result = analyzer.analyze(frame, since, plan, policy);
    } catch (FrameRejectedException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new FrameRejectedException(RejectReason.PROCESSING_FAILED, "camera " + camera
          + " frame " + frame.getSequence() + ": " + e, e);
    }
    List<FaceEmotion> events = result.events();
    if (tracks != null) {
      FrameTracks.Tracked tracked = tracks.track(frame.getCameraId(), since, events,
          context.currentSystemTimeMs());
      forwardEnded(tracked.ended(), record.timestamp());
      events = abstain(tracked.events(), analyzer.minConfidence());
      tracks.searched(frame.getCameraId(), plan, result.fullSearch(), events.size());
    }
    for (FaceEmotion event : events) {
      context.forward(record.withKey(frame.getCameraId()).withValue((SpecificRecord) event));
    }
    forwardTally(record, camera, EmotionStatsAggregator.analysed(frame, events), since);
    int width = result.imageWidth() > 0 ? result.imageWidth() : frame.getWidth();
    int height = result.imageHeight() > 0 ? result.imageHeight() : frame.getHeight();
    for (var zone : policy.zones().entrySet()) {
      List<FaceEmotion> inZone = new ArrayList<>();
      for (FaceEmotion event : events) {
        var box = event.getBox();
        // boxes are in the picture as shown (a JPEG's EXIF orientation applied), as are zones
        if (zone.getValue().containsPixel(box.getX() + box.getWidth() / 2.0, box.getY() + box.getHeight() / 2.0,
            width, height)) {
          inZone.add(event);
        }
      }
      forwardTally(record, zoneKey(camera, zone.getKey()),
          EmotionStatsAggregator.inZone(EmotionStatsAggregator.analysed(frame, inZone), zone.getKey()), since);
    }
    stats.recordFrame(result);
  }

  /**
   * The smoothed label abstains as the label does: {@link FrameAnalyzer#ABSTAIN} when the highest
   * smoothed score is below the minimum confidence.
   */
  static List<FaceEmotion> abstain(List<FaceEmotion> events, double minConfidence) {
    if (minConfidence <= 0) {
      return events;
    }
    List<FaceEmotion> out = new ArrayList<>(events.size());
    for (FaceEmotion e : events) {
      float highest = 0;
      for (var s : e.getSmoothedScores()) {
        highest = Math.max(highest, s.getScore());
      }
      out.add(e.getSmoothedLabel() != null && highest < minConfidence
          ? FaceEmotion.newBuilder(e).setSmoothedLabel(FrameAnalyzer.ABSTAIN).build() : e);
    }
    return out;
  }

  /** A tally for the window counts of {@code key}, at the frame's own time (its camera's clock). */
  private void forwardTally(Record<String, CameraFrame> record, String key, EmotionStats tally, Instant since) {
    context.forward(new Record<String, SpecificRecord>(key, tally, since.toEpochMilli(), record.headers()));
  }

  /** The key of a zone's window counts: {@code <camera id>/<zone>}. */
  static String zoneKey(String camera, String zone) {
    return camera + ZONE_SEPARATOR + zone;
  }

  /** Between camera id and zone name in the key of a zone's window counts. */
  static final char ZONE_SEPARATOR = '/';
}
