package io.emotionstream.kafka.serde;

/**
 * A schema this instance would write is refused: it breaks the compatibility level against the
 * versions already published (registry subject or schemas topic). Raised at start, before anything
 * is written; the message names the topic, the schema, the subject or schemas topic, and why.
 */
public class IncompatibleSchemaException extends IllegalStateException {

  public IncompatibleSchemaException(String message, Throwable cause) {
    super(message, cause);
  }
}
