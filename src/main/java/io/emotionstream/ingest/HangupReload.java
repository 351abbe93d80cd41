package io.emotionstream.ingest;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * {@code kill -HUP PID} reloads the camera list at once, as daemons usually do. Uses
 * {@code sun.misc.Signal} (module {@code jdk.unsupported}, present in every JDK since 9 and meant
 * for exactly this); where the platform has no SIGHUP the file watch still applies changes.
 */
public final class HangupReload {

  private static final Logger LOG = LoggerFactory.getLogger(HangupReload.class);

  private HangupReload() {}

  /** Reloads {@code service}'s camera list on every SIGHUP of this process. */
  public static void install(IngestService service) {
    if (hangupIgnored()) {
      // A signal ignored when the process started (nohup, or a parent that ignores it) stays
      // ignored: the JVM accepts a handler for it and never calls it, so say so instead.
      LOG.warn("SIGHUP is ignored by this process (started under nohup or by a parent that ignores it), "
          + "so kill -HUP cannot reload the camera list; the file is still watched for changes");
      return;
    }
    try {
      Signal.handle(new Signal("HUP"), signal -> {
        LOG.info("SIGHUP: reading the camera list again");
        try {
          service.reload();
        } catch (CameraListException e) {
          // reported by reload()
        } catch (RuntimeException e) {
          LOG.error("reloading the camera list on SIGHUP failed: {}", Redaction.describe(e), e);
        }
      });
    } catch (IllegalArgumentException e) {
      LOG.info("no SIGHUP on this platform ({}); the camera list file is still watched", e.getMessage());
    }
  }

  /**
   * Whether SIGHUP was ignored when this process started, read from the {@code SigIgn} mask of
   * {@code /proc/self/status} (bit 0 is SIGHUP); false where that file does not exist.
   */
  static boolean hangupIgnored() {
    try {
      for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
        if (line.startsWith("SigIgn:")) {
          return (Long.parseUnsignedLong(line.substring("SigIgn:".length()).trim(), 16) & 1L) != 0;
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      LOG.debug("cannot read the ignored signals of this process: {}", e.toString());
    }
    return false;
  }
}
