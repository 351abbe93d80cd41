package io.emotionstream.ingest;

import static org.bytedeco.ffmpeg.global.avutil.AVERROR_HTTP_FORBIDDEN;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_HTTP_NOT_FOUND;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_HTTP_UNAUTHORIZED;
import static org.bytedeco.ffmpeg.global.avutil.av_strerror;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A camera read through FFmpeg (JavaCV's {@link FFmpegFrameGrabber}): RTSP, video files, V4L2
 * devices and any other protocol FFmpeg knows. Every frame is decoded (a compressed stream needs
 * them all), but converted to pixels only when the sender wants one. Timeouts are FFmpeg's own:
 * RTSP's and HTTP's socket {@code timeout} and the generic {@code rw_timeout}, so that a read
 * blocked on a stalled connection returns within the read timeout. A video file plays at its own
 * frame rate, like a live camera, and ends (the supervisor opens it again).
 *
 * <p>Opened with {@code startUnsafe()}: JavaCV's {@code start()} holds one process-wide lock
 * while it opens the input, so one camera that does not answer would hold up every other camera's
 * connection for its whole timeout; FFmpeg's open and codec setup have been thread-safe since
 * FFmpeg 4, and each grabber is used by one thread only. Not interruptible: FFmpeg's structures must
 * not be freed while a read runs, so {@link #close()} belongs to the reading thread; the release
 * itself runs on a background thread, because closing a connection to a hung camera can wait for
 * the socket timeout once more (RTSP's TEARDOWN), which would delay the next connection attempt.
 */
final class FfmpegCameraStream implements CameraStream {

  private static final Pattern ERROR_CODE = Pattern.compile("error (-?\\d+)");

  private final FFmpegFrameGrabber grabber;
  private final OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
  private final CameraUrl.Kind kind;
  private final boolean keyframesOnly;
  private final Duration readTimeout;
  private final String shown;
  private final String description;
  private long number;
  private long lastFrameNanos;
  /** Recent time between frames (exponential average), 0 before two frames. */
  private double intervalMillis;
  private long firstTimestamp = Long.MIN_VALUE;
  private long playStartNanos;

  private FfmpegCameraStream(FFmpegFrameGrabber grabber, CameraUrl.Kind kind, CameraConfig camera, String shown) {
    this.grabber = grabber;
    this.kind = kind;
    this.keyframesOnly = camera.keyframesOnly();
    this.readTimeout = camera.readTimeout();
    this.shown = shown;
    String codec = grabber.getVideoCodecName() == null ? "video" : grabber.getVideoCodecName().toUpperCase(Locale.ROOT);
    this.description = codec + " " + grabber.getImageWidth() + "x" + grabber.getImageHeight() + " via FFmpeg ("
        + grabber.getFormat() + ")" + (keyframesOnly ? ", key frames only" : "");
  }

  /** Opens the source; throws a lasting failure for refused credentials and missing files. */
  static FfmpegCameraStream open(CameraConfig camera, CameraUrl url, Credentials credentials) throws CameraException {
    FfmpegLogging.install();
    CameraUrl.Kind kind = url.kind();
    String shown = url.redacted();
    String address = url.withCredentials(credentials.user(), credentials.password());
    if (kind == CameraUrl.Kind.FILE) {
      Path file = Path.of(url.withoutCredentials().replaceFirst("^file://", ""));
      if (!Files.isRegularFile(file)) {
        throw CameraException.lasting("the video file " + file + " does not exist");
      }
    }
    FFmpegFrameGrabber g = new FFmpegFrameGrabber(address);
    configure(g, kind, camera);
    try {
      g.startUnsafe();
    } catch (FrameGrabber.Exception | RuntimeException e) {
      release(g);
      throw openFailure(e, shown, kind, camera);
    }
    if (g.getImageWidth() <= 0) {
      release(g);
      throw CameraException.transientFailure(shown + " has no video stream");
    }
    return new FfmpegCameraStream(g, kind, camera, shown);
  }

  /** FFmpeg options per kind of source; the camera's own {@code ffmpeg-options} come last and win. */
  static void configure(FFmpegFrameGrabber g, CameraUrl.Kind kind, CameraConfig camera) {
    String micros = Long.toString(camera.readTimeout().toNanos() / 1000);
    switch (kind) {
      case RTSP -> {
        g.setOption("rtsp_transport", camera.rtspTransport());
        g.setOption("timeout", micros); // socket I/O timeout, connection included
        g.setOption("fpsprobesize", "0");
      }
      case HTTP -> {
        g.setOption("timeout", micros);
        g.setOption("rw_timeout", micros);
        g.setOption("fpsprobesize", "0");
      }
      case OTHER_URL -> {
        g.setOption("rw_timeout", micros);
        g.setOption("fpsprobesize", "0");
      }
      case DEVICE -> g.setFormat("video4linux2");
      case FILE -> {
        // read at the file's own rate, see read()
      }
    }
    // fpsprobesize=0 above: FFmpeg would otherwise read frames for up to 5 s to estimate a live
    // stream's frame rate, which nobody here needs (first frame of an RTSP camera: 3.3 s -> 1.2 s)
    // one decoding thread per camera: cameras already run in parallel, and frame threading would
    // hold back (threads - 1) frames, making every frame older
    g.setVideoOption("threads", "1");
    camera.ffmpegOptions().forEach(g::setOption);
  }

  private static CameraException openFailure(Exception e, String shown, CameraUrl.Kind kind, CameraConfig camera) {
    Matcher m = ERROR_CODE.matcher(String.valueOf(e.getMessage()));
    if (m.find()) {
      int code = Integer.parseInt(m.group(1));
      String reason = errorText(code);
      if (code == AVERROR_HTTP_UNAUTHORIZED() || code == AVERROR_HTTP_FORBIDDEN()) {
        return CameraException.lasting(shown + " refused the credentials (" + reason + "): "
            + (camera.hasCredentials() ? "check the username and password" : "it needs a username and password"));
      }
      if (code == AVERROR_HTTP_NOT_FOUND()) {
        return CameraException.transientFailure(shown + ": no such stream (" + reason + ")");
      }
      String hint = kind == CameraUrl.Kind.RTSP || kind == CameraUrl.Kind.HTTP
          ? " (no answer within " + camera.readTimeout().toMillis() + " ms, refused, or not a stream FFmpeg can read)" : "";
      return CameraException.transientFailure("cannot open " + shown + ": " + reason + hint);
    }
    return CameraException.transientFailure("cannot open " + shown + ": " + Redaction.describe(e));
  }

  private static String errorText(int code) {
    try (BytePointer buf = new BytePointer(256)) {
      buf.fill(0);
      if (av_strerror(code, buf, 256) != 0) {
        return "FFmpeg error " + code;
      }
      byte[] bytes = new byte[256];
      buf.get(bytes);
      int end = 0;
      while (end < bytes.length && bytes[end] != 0) {
        end++;
      }
      return new String(bytes, 0, end, java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  /**
   * Whether to convert the next frame to pixels. The sender's wish is read when the read begins,
   * and a slow source (a camera at a few frames per second, key frames only) may take longer to
   * deliver than the sender waits: such frames are all converted, or the sender would miss every
   * second one. A fast source converts only the frames wanted (conversion is most of the cost of a
   * frame nobody takes: 720p BGR, about 2 ms each).
   */
  private boolean convert(boolean wanted) {
    return wanted || keyframesOnly || intervalMillis >= SLOW_SOURCE_MILLIS;
  }

  /** Frames further apart than this (10 frames/s and slower) are all converted. */
  private static final double SLOW_SOURCE_MILLIS = 99;

  @Override
  public CapturedFrame read(boolean wanted) throws CameraException {
    long started = System.nanoTime();
    boolean convert = convert(wanted);
    Frame frame;
    try {
      frame = grabber.grabFrame(false, true, convert, keyframesOnly, false);
    } catch (FrameGrabber.Exception | RuntimeException e) {
      throw CameraException.transientFailure("reading " + shown + " failed: " + Redaction.describe(e));
    }
    Instant captured = Instant.now();
    long waited = (System.nanoTime() - started) / 1_000_000;
    boolean timedOut = kind != CameraUrl.Kind.FILE && waited >= readTimeout.toMillis() * 9 / 10;
    if (frame == null || timedOut) {
      // after a read timeout JavaCV drains the decoder, which may still hand out a frame it held
      // back: that is the end of this connection all the same, not a live frame
      if (frame == null && kind == CameraUrl.Kind.FILE) {
        return null;
      }
      throw CameraException.transientFailure(timedOut
          ? "no frame from " + shown + " for " + waited + " ms (read timeout " + readTimeout.toMillis() + " ms)"
          : shown + " ended the stream");
    }
    if (kind == CameraUrl.Kind.FILE) {
      captured = pace(frame.timestamp);
    }
    long now = System.nanoTime();
    if (lastFrameNanos != 0) {
      double ms = (now - lastFrameNanos) / 1e6;
      intervalMillis = intervalMillis == 0 ? ms : 0.8 * intervalMillis + 0.2 * ms;
    }
    lastFrameNanos = now;
    long n = number++;
    if (!convert || frame.image == null) {
      return CapturedFrame.skipped(captured, n);
    }
    Mat view = converter.convert(frame); // the grabber's buffer, valid until the next grab
    return CapturedFrame.decoded(view.clone(), captured, n);
  }

  /** Waits until a file's frame is due at the file's own rate; the read time is then the capture time. */
  private Instant pace(long timestampMicros) {
    if (firstTimestamp == Long.MIN_VALUE) {
      firstTimestamp = timestampMicros;
      playStartNanos = System.nanoTime();
    }
    long due = playStartNanos + (timestampMicros - firstTimestamp) * 1000;
    long wait = due - System.nanoTime();
    if (wait > 0) {
      try {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return Instant.now();
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public void close() {
    CLOSER.execute(() -> {
      release(grabber);
      converter.close();
    });
  }

  /** Releases grabbers off the cameras' threads; a daemon thread per release, gone when done. */
  private static final java.util.concurrent.Executor CLOSER = java.util.concurrent.Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "ingest-ffmpeg-close");
    t.setDaemon(true);
    return t;
  });

  @Override
  public boolean interruptible() {
    return false;
  }

  private static void release(FFmpegFrameGrabber g) {
    try {
      g.close();
    } catch (FrameGrabber.Exception | RuntimeException e) {
      // a grabber that failed to start: nothing left to release
    }
  }
}
