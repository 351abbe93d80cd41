package io.emotionstream.inference;

import java.util.List;

/** Runs batches on one device; used by one pool thread only, so it need not be thread-safe. */
public interface BatchWorker<I, O> extends AutoCloseable {

  /** One output per input, in order. */
  List<O> run(List<I> batch) throws Exception;

  @Override
  void close();

  /** Creates a worker inside the pool thread that will use it. */
  @FunctionalInterface
  interface Factory<I, O> {
    BatchWorker<I, O> create(WorkerSlot slot) throws Exception;
  }
}
