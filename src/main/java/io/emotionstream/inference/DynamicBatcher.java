package io.emotionstream.inference;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Gathers single requests from many threads into batches for a {@link BatchExecutor}.
 *
 * <p>Batching rule: the dispatcher first waits for an idle worker (requests queue up meanwhile), then
 * takes everything queued up to {@code maxBatchSize}; if the batch is not full and its oldest request
 * has waited less than {@code maxWait}, it waits for more until then. Under load batches therefore
 * fill up without added delay; when idle a lone request waits at most {@code maxWait}.
 *
 * <p>Back-pressure: the queue holds at most {@code queueCapacity} requests; {@link #submit} blocks up
 * to {@code enqueueTimeout} for room and then throws {@link QueueFullException}. Each request's future
 * fails with a {@link java.util.concurrent.TimeoutException} after {@code requestTimeout}; a request
 * that times out (or is cancelled) while still queued is dropped, not run. {@link #close()} stops
 * accepting, runs what is queued and waits for running batches (up to {@code requestTimeout}), then
 * fails anything left with {@link RejectedExecutionException}.
 *
 * <p>Our own: DJL's batching lives in DJL Serving (a server, not a library), and general-purpose
 * Java batchers do not wait for an idle device before closing a batch, which is what lets batches
 * grow with load here. It is about 150 lines on {@link ArrayBlockingQueue}.
 */
public final class DynamicBatcher<I, O> implements AutoCloseable {

  private final BatchExecutor<I, O> executor;
  private final int maxBatchSize;
  private final long maxWaitNanos;
  private final Duration enqueueTimeout;
  private final Duration requestTimeout;
  private final ArrayBlockingQueue<Request<I, O>> queue;
  private final ReentrantReadWriteLock closing = new ReentrantReadWriteLock();
  private final Thread dispatcher;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong batched = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicLong expired = new AtomicLong();
  private volatile int largestBatch;
  private volatile boolean closed;

  private record Request<I, O>(I item, CompletableFuture<O> future, long enqueuedNanos) {}

  public DynamicBatcher(InferenceConfig config, BatchExecutor<I, O> executor) {
    this(executor, config.maxBatchSize(), config.maxWait(), config.queueCapacity(),
        config.enqueueTimeout(), config.requestTimeout());
  }

  public DynamicBatcher(BatchExecutor<I, O> executor, int maxBatchSize, Duration maxWait,
      int queueCapacity, Duration enqueueTimeout, Duration requestTimeout) {
    this.executor = executor;
    this.maxBatchSize = maxBatchSize;
    this.maxWaitNanos = maxWait.toNanos();
    this.enqueueTimeout = enqueueTimeout;
    this.requestTimeout = requestTimeout;
    this.queue = new ArrayBlockingQueue<>(queueCapacity);
    dispatcher = new Thread(this::dispatch, "inference-batcher");
    dispatcher.setDaemon(true);
    dispatcher.start();
  }

  /**
   * Queues one request.
   *
   * @return its result, failed with {@link java.util.concurrent.TimeoutException} after the request timeout
   * @throws QueueFullException if the queue stayed full for the enqueue timeout
   * @throws RejectedExecutionException if the batcher is closed
   */
  public CompletableFuture<O> submit(I item) {
    CompletableFuture<O> future = new CompletableFuture<>();
    closing.readLock().lock();
    try {
      if (closed) {
        rejected.incrementAndGet();
        throw new RejectedExecutionException("batcher is closed");
      }
      if (!queue.offer(new Request<>(item, future, System.nanoTime()),
          enqueueTimeout.toNanos(), TimeUnit.NANOSECONDS)) {
        rejected.incrementAndGet();
        throw new QueueFullException("inference queue full (" + queue.size() + " waiting) for "
            + enqueueTimeout.toMillis() + " ms");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      rejected.incrementAndGet();
      throw new RejectedExecutionException("interrupted while waiting for room in the inference queue", e);
    } finally {
      closing.readLock().unlock();
    }
    requests.incrementAndGet();
    return future.orTimeout(requestTimeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Queues several requests; if one is refused, the ones already queued are cancelled and the refusal is thrown. */
  public List<CompletableFuture<O>> submitAll(List<I> items) {
    List<CompletableFuture<O>> futures = new ArrayList<>(items.size());
    try {
      for (I item : items) {
        futures.add(submit(item));
      }
    } catch (RuntimeException e) {
      futures.forEach(f -> f.cancel(false));
      throw e;
    }
    return futures;
  }

  private void dispatch() {
    List<Request<I, O>> batch = new ArrayList<>(maxBatchSize);
    try {
      while (!(closed && queue.isEmpty())) {
        if (!executor.awaitIdleWorker(50, TimeUnit.MILLISECONDS)) {
          continue;
        }
        Request<I, O> first = queue.poll(50, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, maxBatchSize - batch.size());
        long deadline = first.enqueuedNanos() + maxWaitNanos;
        while (batch.size() < maxBatchSize && !closed) {
          long left = deadline - System.nanoTime();
          Request<I, O> more = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
          if (more == null) {
            break;
          }
          batch.add(more);
          queue.drainTo(batch, maxBatchSize - batch.size());
        }
        send(batch);
        batch = new ArrayList<>(maxBatchSize);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      failAll(batch, new RejectedExecutionException("batcher closed before the request ran"));
      List<Request<I, O>> left = new ArrayList<>();
      queue.drainTo(left);
      failAll(left, new RejectedExecutionException("batcher closed before the request ran"));
    }
  }

  private void send(List<Request<I, O>> batch) {
    int before = batch.size();
    batch.removeIf(r -> r.future().isDone());
    expired.addAndGet(before - batch.size());
    if (batch.isEmpty()) {
      return;
    }
    batches.incrementAndGet();
    batched.addAndGet(batch.size());
    if (batch.size() > largestBatch) {
      largestBatch = batch.size();
    }
    List<I> items = new ArrayList<>(batch.size());
    for (Request<I, O> r : batch) {
      items.add(r.item());
    }
    inFlight.incrementAndGet();
    CompletableFuture<List<O>> result;
    try {
      result = executor.execute(items);
    } catch (RuntimeException e) {
      result = CompletableFuture.failedFuture(e);
    }
    result.whenComplete((outputs, error) -> {
      for (int i = 0; i < batch.size(); i++) {
        if (error != null) {
          batch.get(i).future().completeExceptionally(error);
        } else {
          batch.get(i).future().complete(outputs.get(i));
        }
      }
      synchronized (inFlight) {
        inFlight.decrementAndGet();
        inFlight.notifyAll();
      }
    });
  }

  private static <I, O> void failAll(List<Request<I, O>> requests, RuntimeException error) {
    for (Request<I, O> r : requests) {
      r.future().completeExceptionally(error);
    }
    requests.clear();
  }

  /** Requests waiting for a batch. */
  public int queued() {
    return queue.size();
  }

  public BatcherStats stats() {
    return new BatcherStats(requests.get(), batches.get(), batched.get(), largestBatch, rejected.get(), expired.get());
  }

  /**
   * Stops accepting requests, runs the queued ones and waits for running batches, up to the request
   * timeout; whatever is still queued then fails with {@link RejectedExecutionException}. Does not close
   * the executor.
   */
  @Override
  public void close() {
    closing.writeLock().lock();
    try {
      closed = true;
    } finally {
      closing.writeLock().unlock();
    }
    long deadline = System.nanoTime() + requestTimeout.toNanos();
    try {
      dispatcher.join(Math.max(1, requestTimeout.toMillis()));
      if (dispatcher.isAlive()) {
        dispatcher.interrupt();
        dispatcher.join();
      }
      synchronized (inFlight) {
        while (inFlight.get() > 0) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            break;
          }
          TimeUnit.NANOSECONDS.timedWait(inFlight, left);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
