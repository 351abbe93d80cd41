package io.emotionstream.weights;

/** A weights file that cannot be read or does not fit the network; the message names the file and tensor. */
public class WeightsException extends RuntimeException {

  public WeightsException(String message) {
    super(message);
  }

  public WeightsException(String message, Throwable cause) {
    super(message, cause);
  }
}
