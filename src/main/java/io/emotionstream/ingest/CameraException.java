package io.emotionstream.ingest;

/**
 * A camera cannot be read. {@link #lasting()} tells the supervisor whether retrying soon can help
 * (a lost connection, a timeout: back off and retry) or not (credentials refused or missing, a
 * file that does not exist: state failed, retried rarely). Messages never hold a secret.
 */
final class CameraException extends Exception {

  private final boolean lasting;

  private CameraException(String message, boolean lasting, Throwable cause) {
    super(Redaction.redact(message), cause);
    this.lasting = lasting;
  }

  /** Retrying after a backoff may help. */
  static CameraException transientFailure(String message, Throwable cause) {
    return new CameraException(message, false, cause);
  }

  static CameraException transientFailure(String message) {
    return new CameraException(message, false, null);
  }

  /** Retrying soon will not help. */
  static CameraException lasting(String message) {
    return new CameraException(message, true, null);
  }

  boolean lasting() {
    return lasting;
  }
}
