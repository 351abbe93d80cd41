package io.emotionstream.policy;

/**
 * Why the frames of a camera are not analysed: counted per camera and reason
 * ({@code emotionstream_frames_refused_total{camera,reason}}) and logged, never decoded.
 */
public enum Refusal {

  /** The camera is not in the camera file: nobody declared what it films or why. */
  NOT_LISTED("not-listed", "is not listed in the camera file"),
  /** The camera is listed without {@code emotion: true}: emotion inference is opt-in per camera. */
  NOT_OPTED_IN("not-opted-in", "is not opted in to emotion inference (emotion: true)"),
  /** Workplace, staff area or education without a medical or safety exemption (EU AI Act Art. 5(1)(f)). */
  PROHIBITED_CONTEXT("prohibited-context",
      "films a context where emotion recognition is prohibited (EU AI Act Art. 5(1)(f)) and has no medical or"
          + " safety exemption");

  private final String code;
  private final String explanation;

  Refusal(String code, String explanation) {
    this.code = code;
    this.explanation = explanation;
  }

  /** The metric tag and log word, e.g. {@code not-opted-in}. */
  public String code() {
    return code;
  }

  /** Completes "camera X ..." in log lines. */
  public String explanation() {
    return explanation;
  }
}
