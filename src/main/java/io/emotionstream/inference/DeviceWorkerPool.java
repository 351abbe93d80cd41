package io.emotionstream.inference;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One thread per {@link WorkerSlot}, each owning a {@link BatchWorker} (its model and predictor on
 * its device). A batch goes to the worker with the fewest batches queued or running; the same code
 * runs GPU and CPU workers.
 *
 * <p>Our own rather than an {@code ExecutorService}: each worker must own thread-confined native
 * state (a predictor, per-thread intra-op settings) created and closed on its own thread, and the
 * batcher needs "is any worker idle" to size batches, which executors do not expose.
 */
public final class DeviceWorkerPool<I, O> implements BatchExecutor<I, O>, AutoCloseable {

  private final List<Worker> workers = new ArrayList<>();
  private final Object idle = new Object();
  private final AtomicInteger next = new AtomicInteger();
  private volatile boolean closed;

  /**
   * Starts the workers and waits until each has created its {@link BatchWorker}.
   *
   * @throws IllegalStateException if a worker cannot be created (the others are closed)
   */
  public DeviceWorkerPool(List<WorkerSlot> slots, BatchWorker.Factory<I, O> factory) {
    if (slots.isEmpty()) {
      throw new IllegalArgumentException("no worker slots");
    }
    for (WorkerSlot slot : slots) {
      workers.add(new Worker(slot, factory));
    }
    for (Worker w : workers) {
      try {
        w.ready.get();
      } catch (InterruptedException | ExecutionException e) {
        close();
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        Throwable cause = e.getCause() == null ? e : e.getCause();
        throw new IllegalStateException("cannot start inference worker on " + w.slot.device()
            + ": " + cause.getMessage(), cause);
      }
    }
  }

  @Override
  public boolean awaitIdleWorker(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    synchronized (idle) {
      while (!anyIdle()) {
        long left = deadline - System.nanoTime();
        if (left <= 0 || closed) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(idle, left);
      }
      return true;
    }
  }

  private boolean anyIdle() {
    for (Worker w : workers) {
      if (w.pending.get() == 0) {
        return true;
      }
    }
    return false;
  }

  @Override
  public CompletableFuture<List<O>> execute(List<I> batch) {
    if (closed) {
      return CompletableFuture.failedFuture(new RejectedExecutionException("worker pool is closed"));
    }
    Worker best = null;
    int start = Math.floorMod(next.getAndIncrement(), workers.size());
    for (int i = 0; i < workers.size(); i++) {
      Worker w = workers.get((start + i) % workers.size());
      if (best == null || w.pending.get() < best.pending.get()) {
        best = w;
      }
    }
    Task<I, O> task = new Task<>(batch, new CompletableFuture<>());
    best.pending.incrementAndGet();
    best.queue.add(task);
    return task.future;
  }

  /** Number of workers. */
  public int size() {
    return workers.size();
  }

  /** The slots the workers run on. */
  public List<WorkerSlot> slots() {
    return workers.stream().map(w -> w.slot).toList();
  }

  /** Batches completed by each worker, in slot order. */
  public List<Long> batchesPerWorker() {
    return Collections.unmodifiableList(workers.stream().map(w -> w.batches.get()).toList());
  }

  /** Lets queued batches finish, then closes every worker on its own thread. */
  @Override
  public void close() {
    closed = true;
    for (Worker w : workers) {
      w.queue.add(Task.poison());
    }
    for (Worker w : workers) {
      try {
        w.thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    synchronized (idle) {
      idle.notifyAll();
    }
  }

  private record Task<I, O>(List<I> batch, CompletableFuture<List<O>> future) {
    @SuppressWarnings("unchecked")
    static <I, O> Task<I, O> poison() {
      return new Task<>(null, null);
    }
  }

  private final class Worker {
    final WorkerSlot slot;
    final LinkedBlockingQueue<Task<I, O>> queue = new LinkedBlockingQueue<>();
    final AtomicInteger pending = new AtomicInteger();
    final AtomicLong batches = new AtomicLong();
    final CompletableFuture<Void> ready = new CompletableFuture<>();
    final Thread thread;

    Worker(WorkerSlot slot, BatchWorker.Factory<I, O> factory) {
      this.slot = slot;
      thread = new Thread(() -> run(factory), "inference-" + slot.device() + "-" + slot.index());
      thread.setDaemon(true);
      thread.start();
    }

    private void run(BatchWorker.Factory<I, O> factory) {
      try (BatchWorker<I, O> worker = factory.create(slot)) {
        ready.complete(null);
        while (true) {
          Task<I, O> task = queue.take();
          if (task.batch() == null) {
            break;
          }
          try {
            List<O> out = worker.run(task.batch());
            if (out.size() != task.batch().size()) {
              throw new IllegalStateException("worker returned " + out.size() + " results for "
                  + task.batch().size() + " inputs");
            }
            task.future().complete(out);
          } catch (Throwable e) {
            task.future().completeExceptionally(e);
          } finally {
            batches.incrementAndGet();
            pending.decrementAndGet();
            synchronized (idle) {
              idle.notifyAll();
            }
          }
        }
      } catch (Throwable e) {
        ready.completeExceptionally(e);
      } finally {
        Task<I, O> left;
        while ((left = queue.poll()) != null) {
          if (left.future() != null) {
            left.future().completeExceptionally(new RejectedExecutionException("inference worker stopped"));
          }
        }
      }
    }
  }
}
