package io.emotionstream.inference;

import java.util.concurrent.RejectedExecutionException;

/** The batcher's queue stayed full for the whole enqueue timeout: the caller should slow down or drop work. */
public class QueueFullException extends RejectedExecutionException {

  public QueueFullException(String message) {
    super(message);
  }
}
