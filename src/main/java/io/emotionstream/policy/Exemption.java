package io.emotionstream.policy;

import java.util.Locale;

/**
 * Why a camera in a prohibited context may still be analysed: the EU AI Act's Art. 5(1)(f) allows
 * emotion recognition in the workplace and in education only "for medical or safety reasons".
 * The justification is free text that a data protection officer signs off; it is recorded in the
 * audit topic with every start and change.
 *
 * @param reason medical or safety
 * @param justification why, in a sentence or more; never blank
 */
public record Exemption(Reason reason, String justification) {

  /** The two reasons the Act allows. */
  public enum Reason {
    MEDICAL, SAFETY;

    public String code() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the value when it is neither medical nor safety */
    public static Reason parse(String value) {
      String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
      for (Reason r : values()) {
        if (r.code().equals(v)) {
          return r;
        }
      }
      throw new IllegalArgumentException("exemption reason '" + value + "' is neither medical nor safety");
    }
  }

  public Exemption {
    if (reason == null) {
      throw new IllegalArgumentException("an exemption needs a reason: medical or safety");
    }
    if (justification == null || justification.isBlank()) {
      throw new IllegalArgumentException("a " + reason.code() + " exemption needs a written justification");
    }
    justification = justification.trim();
  }
}
