package io.emotionstream.detect;

import io.emotionstream.config.Settings;

/**
 * The face detector every command builds from the settings, as the processor does: MTCNN with
 * {@code detect.min-face}, {@code detect.scale-factor}, {@code detect.thresholds} and
 * {@code detect.workers}, behind {@code detect.max-side}. {@code detect}, {@code classify},
 * {@code bench detect} and the processor therefore find the same faces by default.
 */
public final class FaceDetectors {

  private FaceDetectors() {}

  /** MTCNN with the {@code detect.*} settings (the caller closes it). */
  public static MtcnnDetector mtcnn(Settings settings) {
    return new MtcnnDetector(MtcnnConfig.from(settings), settings.threads("detect.workers"));
  }

  /** {@code mtcnn} behind {@code detect.max-side}. */
  public static FaceDetector bounded(MtcnnDetector mtcnn, Settings settings) {
    return new DownscalingDetector(mtcnn, maxSide(settings));
  }

  /** {@code detect.max-side}, checked. */
  public static int maxSide(Settings settings) {
    int side = settings.integer("detect.max-side");
    if (side < 12) {
      throw new IllegalArgumentException("setting 'detect.max-side' = " + side + " from "
          + settings.source("detect.max-side") + " must be at least 12 pixels (P-Net's window)");
    }
    return side;
  }
}
