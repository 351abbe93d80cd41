package io.emotionstream.policy;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Where a camera looks, as its {@code context} in the camera file. Emotion recognition in the
 * workplace and in education institutions is prohibited by the EU AI Act (Regulation (EU)
 * 2024/1689, Art. 5(1)(f)) except for medical or safety reasons; a staff area is a workplace. The
 * processor never infers emotions for a camera whose context is prohibited unless the camera
 * carries an {@link Exemption}.
 */
public enum CameraContext {

  /** Where customers are: shop floor, entrance, queue, kiosk. */
  CUSTOMER_AREA("customer-area", false),
  /** Publicly accessible space that is not a shop (a station hall, a street). */
  PUBLIC_SPACE("public-space", false),
  /** Where staff work and customers do not go (back office, stock room, the staff side of a counter). */
  STAFF_AREA("staff-area", true),
  /** Any workplace (Art. 5(1)(f)): offices, factories, a camera pointed at employees. */
  WORKPLACE("workplace", true),
  /** Education institutions (Art. 5(1)(f)): schools, universities, training centres. */
  EDUCATION("education", true);

  private final String code;
  private final boolean prohibited;

  CameraContext(String code, boolean prohibited) {
    this.code = code;
    this.prohibited = prohibited;
  }

  /** The value written in the camera file, e.g. {@code customer-area}. */
  public String code() {
    return code;
  }

  /** Whether emotion inference is prohibited here without a medical or safety exemption. */
  public boolean prohibited() {
    return prohibited;
  }

  /**
   * @return the context written as {@code value}
   * @throws IllegalArgumentException naming the value and the allowed ones
   */
  public static CameraContext parse(String value) {
    String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    for (CameraContext c : values()) {
      if (c.code.equals(v)) {
        return c;
      }
    }
    throw new IllegalArgumentException("unknown context '" + value + "' (one of " + codes() + ")");
  }

  /** Every code, comma-separated. */
  public static String codes() {
    return Arrays.stream(values()).map(CameraContext::code).collect(Collectors.joining(", "));
  }

  @Override
  public String toString() {
    return code;
  }
}
