package io.emotionstream.ingest;

/**
 * A camera list that cannot be used: the message names the file, the camera (by id, or by its
 * position when it has none) and the key at fault, and never a secret.
 */
public final class CameraListException extends IllegalArgumentException {

  public CameraListException(String message) {
    super(message);
  }

  public CameraListException(String message, Throwable cause) {
    super(message, cause);
  }
}
