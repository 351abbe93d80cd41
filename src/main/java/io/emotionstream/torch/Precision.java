package io.emotionstream.torch;

/**
 * The number format a network computes in, as {@code detect.precision} and
 * {@code inference.precision} are written. {@code BFLOAT16} runs convolutions in bfloat16 on
 * oneDNN where the CPU multiplies bfloat16 natively ({@link OneDnnTensors#bfloat16Available()});
 * elsewhere, and where a network's one-time check finds its outputs too far from float32's, the
 * network stays float32 (logged).
 */
public enum Precision {
  FLOAT32, BFLOAT16;

  /**
   * {@code float32} or {@code bfloat16}, any case.
   *
   * @param where the setting and its source, for the error
   */
  public static Precision parse(String value, String where) {
    for (Precision p : values()) {
      if (p.name().equalsIgnoreCase(value.trim())) {
        return p;
      }
    }
    throw new IllegalArgumentException(where + ": precision must be float32 or bfloat16, not '" + value + "'");
  }
}
