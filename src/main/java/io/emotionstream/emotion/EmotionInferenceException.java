package io.emotionstream.emotion;

/** Classification failed: queue full, timed out, closed, or the model failed; the cause says which. */
public class EmotionInferenceException extends RuntimeException {

  public EmotionInferenceException(String message, Throwable cause) {
    super(message, cause);
  }
}
