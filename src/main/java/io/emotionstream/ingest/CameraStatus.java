package io.emotionstream.ingest;

import java.time.Instant;
import java.util.Map;

/**
 * One camera as operators see it ({@code /api/cameras}, the progress lines of {@code ingest}):
 * nothing here carries a secret.
 *
 * @param url the address with its password masked
 * @param detail what the state is about: the stream being read, the reason for a failure or closure
 * @param since when the camera entered its state
 * @param lastError the last error (without secrets), or null
 * @param lastFrameAgeSeconds seconds since the last frame was read, NaN before the first
 * @param framesRead frames read from the source
 * @param framesSent frames acknowledged by Kafka
 * @param framesSkipped frames replaced by a newer one before the sender took them
 * @param framesDropped frames taken for sending that did not reach Kafka, by reason
 * @param framesReencoded frames sent that ingest encoded (decoded video, scaled or oversized JPEGs)
 * @param reconnects connection attempts after a failure or a lost connection
 * @param bytesPerSecond image bytes sent per second over the last 10 s
 * @param framesPerSecond frames sent per second over the last 10 s
 * @param bytesPerFrame mean image bytes per frame sent, 0 before the first
 * @param pendingFrames frames waiting for Kafka or not yet acknowledged
 */
public record CameraStatus(String id, String url, String site, String zone, double targetFps, CameraState state,
    String detail, Instant since, String lastError, Instant lastErrorAt, double lastFrameAgeSeconds, long framesRead,
    long framesSent, long framesSkipped, Map<String, Long> framesDropped, long framesReencoded, long reconnects,
    double bytesPerSecond, double framesPerSecond, double bytesPerFrame, int pendingFrames) {

  /** Every dropped frame, whatever the reason. */
  public long framesDroppedTotal() {
    return framesDropped.values().stream().mapToLong(Long::longValue).sum();
  }
}
