package io.emotionstream.analysis;

/** A frame that cannot be processed, with the reason recorded on the dead-letter topic. */
public class FrameRejectedException extends RuntimeException {

  private final RejectReason reason;

  public FrameRejectedException(RejectReason reason, String detail) {
    this(reason, detail, null);
  }

  public FrameRejectedException(RejectReason reason, String detail, Throwable cause) {
    super(reason.code() + ": " + detail, cause);
    this.reason = reason;
  }

  public RejectReason reason() {
    return reason;
  }
}
