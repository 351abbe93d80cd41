package io.emotionstream.analysis;

import java.util.Locale;

/** Why a record went to the dead-letter topic; {@link #code()} is the {@code dlq.reason} header. */
public enum RejectReason {
  /** The value is not a record in the configured wire format. */
  DESERIALIZATION_FAILED,
  /** The value names a schema (fingerprint or registry id) nobody knows. */
  UNKNOWN_SCHEMA,
  /** The record has no value (a tombstone or an empty record). */
  EMPTY_RECORD,
  /** The encoded image is larger than {@code frame.max-bytes}. */
  IMAGE_TOO_LARGE,
  /** Width x height exceeds {@code frame.max-pixels}. */
  TOO_MANY_PIXELS,
  /** The bytes are not the image encoding the frame declares. */
  ENCODING_MISMATCH,
  /** The image's own size disagrees with the frame's width and height. */
  DIMENSION_MISMATCH,
  /** The image bytes do not decode. */
  UNDECODABLE_IMAGE,
  /** Detection or classification failed on a valid frame. */
  PROCESSING_FAILED,
  /** The frame's output (an event) could not be written to its topic. */
  WRITE_FAILED,
  /** The frame's camera id breaks the camera id policy ({@code io.emotionstream.policy.CameraIds}). */
  INVALID_CAMERA_ID;

  /** Lower-case, dash-separated name, e.g. {@code undecodable-image}. */
  public String code() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
