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
}
