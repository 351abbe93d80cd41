package io.emotionstream.ingest;

import io.emotionstream.schema.CameraFrame;
import io.emotionstream.stream.FrameProducer;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One camera, kept connected: a reader thread that opens the camera, drains it frame by frame
 * into a {@link LatestFrame} and, when the connection fails or is lost, waits (exponential backoff
 * with jitter, capped; longer after a lasting failure) and connects again; and a sender thread
 * that takes the newest frame at the camera's target rate, encodes it if need be and hands it to
 * the camera's {@link SendQueue}. Nothing that happens to one camera stops another or the process.
 */
final class CameraSupervisor {

  private static final Logger LOG = LoggerFactory.getLogger(CameraSupervisor.class);
  /** How often a closed camera looks at its opening hours, and a pull reader at its sender. */
  private static final long POLL_MILLIS = 250;

  /** What every camera of the service shares. */
  record Shared(StreamOpener opener, SendQueue.Sink sink, MeterRegistry registry, IngestDefaults defaults) {}

  private final CameraConfig camera;
  private final Shared shared;
  private final CameraCounters counters = new CameraCounters(System::currentTimeMillis);
  private final LatestFrame slot = new LatestFrame(counters);
  private final Backoff backoff;
  private final FrameEncoder encoder;
  private final SendQueue queue;
  private final CameraMeters meters;
  private final Thread reader;
  private final Thread sender;
  private final Object sleeper = new Object();
  private volatile boolean stopping;
  private volatile CameraState state = CameraState.CONNECTING;
  private volatile String detail = "starting";
  private volatile Instant since = Instant.now();
  private volatile String lastError;
  private volatile Instant lastErrorAt;
  private volatile CameraStream current;
  private long sequence;
  private int failuresInARow;

  CameraSupervisor(CameraConfig camera, Shared shared) {
    this.camera = camera;
    this.shared = shared;
    IngestDefaults d = shared.defaults();
    this.backoff = new Backoff(d.reconnectInitial(), d.reconnectMax(), () -> ThreadLocalRandom.current().nextDouble());
    this.encoder = new FrameEncoder(camera.maxSide(), camera.jpegQuality(), d.maxFrameBytes());
    this.queue = new SendQueue(shared.sink(), d.sendBufferFrames(), d.inFlightFrames(), counters, slot::poke,
        this::kafkaFailure);
    this.meters = new CameraMeters(shared.registry(), camera.id(), counters, () -> state);
    this.reader = new Thread(this::readLoop, "ingest-read-" + camera.id());
    this.sender = new Thread(this::sendLoop, "ingest-send-" + camera.id());
    reader.setDaemon(true);
    sender.setDaemon(true);
  }

  CameraConfig camera() {
    return camera;
  }

  void start() {
    reader.start();
    sender.start();
  }

  /**
   * Stops without waiting: the sender stops at once, an HTTP reader is closed at once, an FFmpeg
   * reader finishes its current read (at most the read timeout) and then closes. The camera's
   * series leave {@code /metrics} now.
   */
  void stop() {
    stopping = true;
    meters.close();
    slot.poke();
    synchronized (sleeper) {
      sleeper.notifyAll();
    }
    CameraStream s = current;
    if (s != null && s.interruptible()) {
      s.close();
    }
  }

  /** Waits until both threads ended; whether they did within {@code timeout}. */
  boolean awaitStopped(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    reader.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
    sender.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
    return !reader.isAlive() && !sender.isAlive();
  }

  boolean alive() {
    return stopping || (reader.isAlive() && sender.isAlive());
  }

  CameraState state() {
    return state;
  }

  /** Frames waiting for Kafka or unacknowledged, and when Kafka last acknowledged one. */
  int pendingFrames() {
    return queue.pending();
  }

  long lastAckMillis() {
    return queue.lastAckMillis();
  }

  CameraStatus status() {
    Map<String, Long> dropped = new LinkedHashMap<>();
    for (CameraCounters.DropReason r : CameraCounters.DropReason.values()) {
      dropped.put(r.label(), counters.dropped(r));
    }
    long sent = counters.sent();
    return new CameraStatus(camera.id(), camera.redactedUrl(), camera.site(), camera.zone(), camera.fps(), state, detail,
        since, lastError, lastErrorAt, counters.lastFrameAgeSeconds(), counters.read(), sent, counters.skipped(), dropped,
        counters.reencodedCount(), counters.reconnects(), counters.bytesPerSecond(), counters.framesPerSecond(),
        sent == 0 ? 0 : (double) counters.bytesSent() / sent, queue.pending());
  }

  // ---- reader ----------------------------------------------------------------------------------

  private void readLoop() {
    boolean attempted = false;
    try {
      while (!stopping) {
        if (!camera.enabled()) {
          enter(CameraState.DISABLED, "enabled: false in the camera list");
          sleep(Long.MAX_VALUE);
          continue;
        }
        if (closedNow()) {
          enter(CameraState.CLOSED, "outside opening hours: " + camera.hours());
          attempted = false;
          sleep(POLL_MILLIS * 4);
          continue;
        }
        if (attempted) {
          counters.reconnect();
        }
        attempted = true;
        enter(CameraState.CONNECTING, "connecting to " + camera.redactedUrl());
        try {
          if (readConnection()) {
            attempted = false; // a file that ended and starts over: not a reconnect
          }
        } catch (CameraException e) {
          if (!stopping) {
            failed(e);
          }
        } catch (RuntimeException e) {
          // a bug or a library failing in a way not foreseen: this connection is lost, the camera is not
          if (!stopping) {
            LOG.error("camera {}: unexpected error, reconnecting: {}", camera.id(), Redaction.describe(e), e);
            failed(CameraException.transientFailure("unexpected error: " + Redaction.describe(e), e));
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Error e) {
      // out of memory and the like: shown as failed and reported by /health/live, which restarts the process
      LOG.error("camera {}: reader stopped: {}", camera.id(), Redaction.describe(e));
      enter(CameraState.FAILED, "reader stopped: " + Redaction.describe(e));
    }
  }

  /**
   * One connection, read until it fails, the camera closes (hours) or the service stops.
   *
   * @return true when a file ended (it is opened again at once)
   */
  private boolean readConnection() throws CameraException, InterruptedException {
    CameraStream stream = shared.opener().open(camera);
    current = stream;
    boolean streaming = false;
    try {
      if (stopping) {
        return false;
      }
      while (!stopping) {
        if (closedNow()) {
          return false;
        }
        boolean wanted = true;
        if (stream.pull() && !slot.awaitWanted(POLL_MILLIS)) {
          continue;
        } else if (!stream.pull()) {
          wanted = slot.wanted();
        }
        CapturedFrame frame = stream.read(wanted);
        if (frame == null) {
          if (!streaming) {
            // opened and ended at once: starting it over again and again would only spin
            throw CameraException.lasting(camera.redactedUrl() + " has no frames to read");
          }
          return true;
        }
        counters.frameRead();
        if (!streaming) {
          streaming = true;
          connected(stream);
        }
        if (frame.hasImage()) {
          slot.put(frame);
        } else {
          counters.addSkipped(1);
        }
      }
      return false;
    } catch (CameraException e) {
      if (stopping) {
        return false;
      }
      throw e;
    } finally {
      current = null;
      stream.close();
      slot.clear();
    }
  }

  private boolean closedNow() {
    return camera.hours() != null && !camera.hours().isOpen(Instant.now());
  }

  private void connected(CameraStream stream) {
    if (failuresInARow > 0) {
      LOG.info("camera {}: streaming again ({}) after {} failed attempt(s)", camera.id(), stream.description(),
          failuresInARow);
    } else {
      LOG.info("camera {}: streaming {}", camera.id(), stream.description());
    }
    failuresInARow = 0;
    backoff.reset();
    enter(CameraState.STREAMING, stream.description());
  }

  private void failed(CameraException e) throws InterruptedException {
    String message = e.getMessage();
    boolean repeated = message.equals(lastError);
    lastError = message;
    lastErrorAt = Instant.now();
    failuresInARow++;
    Duration wait = e.lasting() ? shared.defaults().failedRetry() : backoff.next();
    // the first failure of a run and every change of reason at WARN; a camera that stays down is
    // not allowed to fill the log (one line per 100 attempts)
    if (!repeated || failuresInARow % 100 == 0) {
      LOG.warn("camera {}: {} (attempt {}; next in {} ms)", camera.id(), message, failuresInARow, wait.toMillis());
    }
    enter(e.lasting() ? CameraState.FAILED : CameraState.BACKING_OFF, message);
    sleep(wait.toMillis());
  }

  private void enter(CameraState next, String why) {
    if (state != next) {
      since = Instant.now();
    }
    state = next;
    detail = why;
  }

  private void sleep(long millis) throws InterruptedException {
    long deadline = millis == Long.MAX_VALUE ? Long.MAX_VALUE : System.currentTimeMillis() + millis;
    synchronized (sleeper) {
      while (!stopping) {
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) {
          return;
        }
        sleeper.wait(Math.min(left, 60_000));
      }
    }
  }

  // ---- sender ----------------------------------------------------------------------------------

  private void sendLoop() {
    long interval = (long) (1e9 / camera.fps());
    long nextDue = System.nanoTime();
    try {
      while (!stopping) {
        queue.drain();
        long now = System.nanoTime();
        if (now < nextDue) {
          slot.pause(nextDue - now);
          continue;
        }
        slot.want();
        CapturedFrame frame = slot.take(POLL_MILLIS);
        if (frame == null || stopping) {
          if (frame != null) {
            frame.close();
          }
          continue;
        }
        try (frame) {
          long taken = System.nanoTime();
          nextDue = Math.max(nextDue + interval, taken + interval / 2);
          send(frame);
        } catch (RuntimeException e) {
          // one frame that could not be encoded or handed over: dropped, the next one is tried
          counters.frameDropped(CameraCounters.DropReason.BROKEN_IMAGE);
          lastError = "frame dropped: " + Redaction.describe(e);
          lastErrorAt = Instant.now();
          LOG.warn("camera {}: frame dropped: {}", camera.id(), Redaction.describe(e));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Error e) {
      LOG.error("camera {}: sender stopped: {}", camera.id(), Redaction.describe(e));
      lastError = "sender stopped: " + Redaction.describe(e);
      lastErrorAt = Instant.now();
    } finally {
      queue.discard();
    }
  }

  private void send(CapturedFrame frame) {
    FrameEncoder.Outcome out = encoder.encode(frame, camera.id());
    if (out.dropped() != null) {
      counters.frameDropped(out.dropped());
      lastError = "frame dropped: " + out.detail();
      lastErrorAt = Instant.now();
      return;
    }
    if (out.reencoded()) {
      counters.frameReencoded();
    }
    CameraFrame record = FrameProducer.frame(camera.id(), sequence++, out.image(), frame.captureTime(), camera.site(),
        camera.frameTags());
    queue.offer(record);
  }

  private void kafkaFailure(String message) {
    lastError = message;
    lastErrorAt = Instant.now();
  }
}
