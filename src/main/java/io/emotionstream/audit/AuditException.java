package io.emotionstream.audit;

/** An audit record that could not be written; the message names the action, subject and topic. */
public final class AuditException extends RuntimeException {

  public AuditException(String message, Throwable cause) {
    super(message, cause);
  }
}
