package io.emotionstream.kafka.serde;

import org.apache.kafka.common.errors.SerializationException;

/** A record's bytes could not be turned into an Avro record; {@link #reason()} says why, for the dead-letter topic. */
public class RecordDecodeException extends SerializationException {

  /** Machine-readable cause. */
  public enum Reason {
    /** Not in the configured wire format, or truncated / corrupt Avro binary. */
    MALFORMED,
    /** The schema fingerprint or registry id is not known. */
    UNKNOWN_SCHEMA
  }

  private final Reason reason;

  public RecordDecodeException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
