package io.emotionstream.policy;

/**
 * A camera file that cannot be used; the message names the file, the camera (id or position) and
 * the key or value at fault.
 */
public final class CameraFileException extends IllegalArgumentException {

  public CameraFileException(String message) {
    super(message);
  }

  public CameraFileException(String message, Throwable cause) {
    super(message, cause);
  }
}
