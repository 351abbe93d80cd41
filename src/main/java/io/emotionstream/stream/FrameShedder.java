package io.emotionstream.stream;

import io.emotionstream.analysis.FrameTiming;
import java.time.Clock;
import java.time.Duration;

/**
 * Load shedding, decided before a frame is decoded. Two rules, in this order:
 *
 * <ol>
 *   <li><b>Too old</b>: a frame whose age (now minus its time, {@link FrameTiming}) exceeds
 *       {@code frame.max-age-ms} when the processor reaches it is not analysed. An overloaded instance
 *       then drops the oldest frames (a shed frame costs only its deserialization, well under a
 *       millisecond) instead of falling further behind: its events stay at most max-age plus one
 *       frame's processing time behind the cameras, and once the overload stops it is back to normal
 *       latency within max-age. While the instance keeps up, frames are far younger than max-age and
 *       none is shed.</li>
 *   <li><b>Fair share</b> ({@link FairShare}): while the instance is overloaded, every camera keeps
 *       the same share of its frames. Age alone was unfair: a camera alone on a stream thread kept
 *       nearly every frame while cameras sharing the other thread lost most of theirs (13 against
 *       2,490 frames shed in a 14-minute soak). A camera that has shed less than the instance as a
 *       whole sheds its next frame, which frees the cores for the cameras that are behind.</li>
 * </ol>
 *
 * <p>One instance is shared by every stream thread of a processor.
 */
public final class FrameShedder {

  /** Reason code of a frame older than max-age. */
  public static final String TOO_OLD = "too-old";
  /** Reason code of a frame shed so that every camera keeps the same share of its frames. */
  public static final String FAIR_SHARE = "fair-share";

  private final long maxAgeMillis;
  private final Clock clock;
  private final FairShare fairShare;

  /** @param maxAge frames older than this are shed; zero or negative: never shed */
  public FrameShedder(Duration maxAge, Clock clock) {
    this.maxAgeMillis = maxAge.toMillis();
    this.clock = clock;
    this.fairShare = new FairShare(FairShare.WINDOW);
  }

  /**
   * @param frameTimeMillis the frame's time ({@link FrameTiming#frameTime})
   * @return why the frame is shed, or null when it is to be analysed
   */
  String shedReason(String camera, long frameTimeMillis) {
    if (maxAgeMillis <= 0) {
      return null;
    }
    long now = clock.millis();
    long age = FrameTiming.ageMillis(frameTimeMillis, now);
    if (age > maxAgeMillis) {
      // a frame much older than max-age is a backlog worked off (after a restart, an outage), not
      // a sign of the present load: it does not count towards the cameras' shares
      if (age <= maxAgeMillis + FairShare.WINDOW.toMillis()) {
        fairShare.shed(camera, now, true);
      }
      return TOO_OLD;
    }
    if (fairShare.behindShare(camera, now)) {
      fairShare.shed(camera, now, false);
      return FAIR_SHARE;
    }
    fairShare.analysed(camera, now);
    return null;
  }

  public Duration maxAge() {
    return Duration.ofMillis(Math.max(0, maxAgeMillis));
  }

  /** Cameras whose recent frames the fair-share rule keeps track of (bounded by the cameras seen in its window). */
  int trackedCameras() {
    return fairShare.cameras();
  }
}
