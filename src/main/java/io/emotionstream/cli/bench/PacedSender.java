package io.emotionstream.cli.bench;

import io.emotionstream.frame.EncodedImage;
import io.emotionstream.stream.FrameProducer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongPredicate;

/**
 * Simulated cameras sending frames at a steady rate: frame {@code n} (counted over every
 * {@link #send} call) goes to the camera and with the image that the {@link Schedule} picks, stamped
 * with the time of sending as its capture time; each camera numbers its own frames from 0.
 */
public final class PacedSender {

  /** Which camera sends frame {@code n}, and which image. */
  public interface Schedule {
    /** @return index into the camera ids */
    int camera(long n);

    EncodedImage image(long n);

    /** Headers of frame {@code n}'s record. */
    default Map<String, String> headers(long n) {
      return Map.of();
    }
  }

  private final FrameProducer producer;
  private final List<String> cameraIds;
  private final String site;
  private final Schedule schedule;
  private final boolean acknowledged;
  private final long[] sequence;
  private final AtomicLong sent = new AtomicLong();

  /**
   * @param site the frames' site
   * @param acknowledged whether each send waits for the broker's acknowledgement
   */
  public PacedSender(FrameProducer producer, List<String> cameraIds, String site, Schedule schedule,
      boolean acknowledged) {
    this.producer = producer;
    this.cameraIds = cameraIds;
    this.site = site;
    this.schedule = schedule;
    this.acknowledged = acknowledged;
    this.sequence = new long[cameraIds.size()];
  }

  /**
   * Round robin over the cameras, each camera starting at its own offset into {@code images}, frame
   * {@code k} of a camera the image {@code k + camera} (mod the images): what {@code bench stream}
   * sends.
   */
  public static Schedule roundRobin(List<EncodedImage> images, int cameras) {
    return new Schedule() {
      @Override
      public int camera(long n) {
        return (int) (n % cameras);
      }

      @Override
      public EncodedImage image(long n) {
        return images.get((int) ((n / cameras + n % cameras) % images.size()));
      }
    };
  }

  /**
   * Sends at {@code fps} frames per second in all while {@code more} holds for the number of the
   * next frame (its {@code n}).
   *
   * @return the frames sent by this call
   */
  public long send(double fps, LongPredicate more) throws InterruptedException, ExecutionException {
    long start = System.nanoTime();
    long phaseSent = 0;
    for (long n = sent.get(); more.test(n); n = sent.get()) {
      int camera = schedule.camera(n);
      var frame = FrameProducer.frame(cameraIds.get(camera), sequence[camera]++, schedule.image(n), Instant.now(), site,
          schedule.headers(n));
      var ack = producer.send(frame);
      if (acknowledged) {
        ack.get();
      }
      sent.incrementAndGet();
      phaseSent++;
      long wait = start + (long) (phaseSent * 1e9 / fps) - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      }
    }
    return phaseSent;
  }

  /** Frames sent so far, all calls. */
  public long sent() {
    return sent.get();
  }
}
