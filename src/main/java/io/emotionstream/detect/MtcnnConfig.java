package io.emotionstream.detect;

import io.emotionstream.config.Settings;
import io.emotionstream.torch.Precision;

/**
 * Settings of {@link MtcnnDetector}; {@link #defaults()} are those of Zhang et al. 2016 and
 * facenet-pytorch.
 *
 * @param minFaceSize smallest face side, in pixels, that the image pyramid looks for (>= 12)
 * @param scaleFactor ratio between pyramid levels, in (0, 1)
 * @param pnetThreshold face probability a P-Net candidate needs
 * @param rnetThreshold face probability an R-Net candidate needs
 * @param onetThreshold face probability an O-Net candidate (a reported face) needs
 * @param device DJL device name, e.g. {@code "cpu"} or {@code "gpu0"}
 * @param precision the number format R-Net and O-Net compute in ({@link Precision}); P-Net and the
 *     linear layers stay float32 either way
 */
public record MtcnnConfig(int minFaceSize, double scaleFactor, float pnetThreshold,
    float rnetThreshold, float onetThreshold, String device, Precision precision) {

  public static final int DEFAULT_MIN_FACE = 20;
  public static final double DEFAULT_SCALE_FACTOR = 0.709;

  public MtcnnConfig {
    if (minFaceSize < 12) {
      throw new IllegalArgumentException("minFaceSize must be >= 12 (P-Net's window): " + minFaceSize);
    }
    if (!(scaleFactor > 0 && scaleFactor < 1)) {
      throw new IllegalArgumentException("scaleFactor must be in (0, 1): " + scaleFactor);
    }
    for (float t : new float[] {pnetThreshold, rnetThreshold, onetThreshold}) {
      if (!(t >= 0 && t < 1)) {
        throw new IllegalArgumentException("thresholds must be in [0, 1): " + t);
      }
    }
    if (device == null || device.isBlank()) {
      throw new IllegalArgumentException("device is required, e.g. \"cpu\"");
    }
    if (precision == null) {
      throw new IllegalArgumentException("precision is required (FLOAT32 or BFLOAT16)");
    }
  }

  /** In float32. */
  public MtcnnConfig(int minFaceSize, double scaleFactor, float pnetThreshold, float rnetThreshold,
      float onetThreshold, String device) {
    this(minFaceSize, scaleFactor, pnetThreshold, rnetThreshold, onetThreshold, device, Precision.FLOAT32);
  }

  /** Minimum face 20 px, factor 0.709, thresholds 0.6 / 0.7 / 0.7, CPU. */
  public static MtcnnConfig defaults() {
    return new MtcnnConfig(DEFAULT_MIN_FACE, DEFAULT_SCALE_FACTOR, 0.6f, 0.7f, 0.7f, "cpu");
  }

  /**
   * The {@code detect.*} settings ({@code detect.min-face}, {@code detect.scale-factor},
   * {@code detect.thresholds}: P-Net, R-Net, O-Net; {@code detect.precision}) on the device of
   * {@link #defaults()}.
   */
  public static MtcnnConfig from(Settings settings) {
    double[] t = settings.decimals("detect.thresholds");
    if (t.length != 3) {
      throw new IllegalArgumentException("setting 'detect.thresholds' from " + settings.source("detect.thresholds")
          + " needs three numbers (P-Net, R-Net, O-Net), got " + t.length);
    }
    return new MtcnnConfig(settings.integer("detect.min-face"), settings.decimal("detect.scale-factor"),
        (float) t[0], (float) t[1], (float) t[2], defaults().device(),
        Precision.parse(settings.string("detect.precision"), "setting 'detect.precision' from "
            + settings.source("detect.precision")));
  }

  public MtcnnConfig withMinFaceSize(int size) {
    return new MtcnnConfig(size, scaleFactor, pnetThreshold, rnetThreshold, onetThreshold, device, precision);
  }

  public MtcnnConfig withPrecision(Precision p) {
    return new MtcnnConfig(minFaceSize, scaleFactor, pnetThreshold, rnetThreshold, onetThreshold, device, p);
  }
}
