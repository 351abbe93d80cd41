package io.emotionstream.inference;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Where the {@link DynamicBatcher} sends finished batches (the {@link DeviceWorkerPool}). */
public interface BatchExecutor<I, O> {

  /**
   * Waits until a batch sent now would start at once (some worker is idle). The batcher waits here
   * before it closes a batch, so requests arriving meanwhile join the next batch.
   *
   * @return false if none became idle in time
   */
  boolean awaitIdleWorker(long timeout, TimeUnit unit) throws InterruptedException;

  /** Runs the batch asynchronously; the future holds one output per input, in order. */
  CompletableFuture<List<O>> execute(List<I> batch);
}
