package io.emotionstream.torch;

/**
 * The number format a network computes in, as {@code detect.precision} and
 * {@code inference.precision} are written. {@code BFLOAT16} runs convolutions in bfloat16 on
 * oneDNN where the CPU multiplies bfloat16 natively ({@link OneDnnTensors#bfloat16Available()});
 * elsewhere, and where a network's one-time check finds its outputs too far from float32's, the
 * network stays float32 (logged). {@code AUTO} does the same and says so as the expected outcome
 * rather than as a setting that could not be honoured: it is the classifier's default, chosen
 * where bfloat16 is native, float32 elsewhere.
 */
public enum Precision {
  FLOAT32, BFLOAT16, AUTO;

  /** Whether the network should compute in bfloat16 where the CPU and the network's check allow. */
  public boolean wantsBfloat16() {
    return this != FLOAT32;
  }

  /** The setting's spelling: {@code float32}, {@code bfloat16} or {@code auto}. */
  public String settingName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * {@code float32}, {@code bfloat16} or {@code auto}, any case.
   *
   * @param where the setting and its source, for the error
   */
  public static Precision parse(String value, String where) {
    for (Precision p : values()) {
      if (p.name().equalsIgnoreCase(value.trim())) {
        return p;
      }
    }
    throw new IllegalArgumentException(where + ": precision must be float32, bfloat16 or auto, not '" + value + "'");
  }
}
