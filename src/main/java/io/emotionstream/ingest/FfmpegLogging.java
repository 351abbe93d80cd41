package io.emotionstream.ingest;

import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_WARNING;
import static org.bytedeco.ffmpeg.global.avutil.av_log_set_level;
import static org.bytedeco.ffmpeg.global.avutil.setLogCallback;

import org.bytedeco.ffmpeg.avutil.LogCallback;
import org.bytedeco.javacpp.BytePointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FFmpeg's own messages, through SLF4J (logger {@code io.emotionstream.ingest.ffmpeg}) with every
 * camera secret masked. By default FFmpeg writes to the process's stderr directly, and at its
 * default level it prints each input's address, password included ({@code av_dump_format}); the
 * level is set to warnings, and warnings and errors are logged at DEBUG: what matters about a
 * camera is in its state and last error, and a broken stream would otherwise log a line per frame.
 */
final class FfmpegLogging {

  private static final Logger LOG = LoggerFactory.getLogger("io.emotionstream.ingest.ffmpeg");
  private static LogCallback callback;

  private FfmpegLogging() {}

  /** Installs the callback once per process. */
  static synchronized void install() {
    if (callback != null) {
      return;
    }
    av_log_set_level(AV_LOG_WARNING);
    callback = new LogCallback() {
      @Override
      public void call(int level, BytePointer message) {
        if (LOG.isDebugEnabled()) {
          String text = Redaction.redact(message.getString().strip());
          if (!text.isEmpty()) {
            LOG.debug("{} {}", level <= AV_LOG_ERROR ? "error:" : "warning:", text);
          }
        }
      }
    }.retainReference();
    setLogCallback(callback);
  }
}
