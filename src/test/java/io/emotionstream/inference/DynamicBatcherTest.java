package io.emotionstream.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The batcher over a real {@link DeviceWorkerPool} whose workers compute {@code x -> 10 x + 1}. */
class DynamicBatcherTest {

  final List<Integer> batchSizes = java.util.Collections.synchronizedList(new ArrayList<>());
  final AtomicReference<CountDownLatch> gate = new AtomicReference<>(new CountDownLatch(0));
  final AtomicInteger ran = new AtomicInteger();
  DeviceWorkerPool<Integer, Integer> pool;
  DynamicBatcher<Integer, Integer> batcher;

  DynamicBatcher<Integer, Integer> start(int workers, int maxBatch, Duration maxWait, int capacity,
      Duration enqueueTimeout, Duration requestTimeout) {
    List<WorkerSlot> slots = new ArrayList<>();
    for (int i = 0; i < workers; i++) {
      slots.add(new WorkerSlot(Device.cpu(), i, 1));
    }
    pool = new DeviceWorkerPool<>(slots, slot -> new BatchWorker<Integer, Integer>() {
      @Override
      public List<Integer> run(List<Integer> batch) throws Exception {
        gate.get().await();
        batchSizes.add(batch.size());
        ran.addAndGet(batch.size());
        Thread.sleep(2);
        return batch.stream().map(x -> 10 * x + 1).toList();
      }

      @Override
      public void close() {}
    });
    batcher = new DynamicBatcher<>(pool, maxBatch, maxWait, capacity, enqueueTimeout, requestTimeout);
    return batcher;
  }

  @AfterEach
  void stop() {
    gate.get().countDown();
    if (batcher != null) {
      batcher.close();
    }
    if (pool != null) {
      pool.close();
    }
  }

  @Test
  void everyCallerGetsItsOwnResultsAndBatchesForm() throws Exception {
    start(2, 16, Duration.ofMillis(2), 1024, Duration.ofSeconds(5), Duration.ofSeconds(30));
    int callers = 8;
    int each = 300;
    ExecutorService threads = Executors.newFixedThreadPool(callers);
    List<Future<Integer>> wrong = new ArrayList<>();
    for (int c = 0; c < callers; c++) {
      int caller = c;
      wrong.add(threads.submit(() -> {
        int bad = 0;
        for (int i = 0; i < each; i++) {
          int x = caller * 100_000 + i;
          if (batcher.submit(x).get() != 10 * x + 1) {
            bad++;
          }
        }
        return bad;
      }));
    }
    for (Future<Integer> f : wrong) {
      assertEquals(0, f.get(60, TimeUnit.SECONDS));
    }
    threads.shutdown();
    BatcherStats stats = batcher.stats();
    assertEquals(callers * each, stats.requests());
    assertEquals(callers * each, ran.get());
    assertTrue(stats.largestBatch() > 1, "no batch larger than 1: " + stats);
    assertTrue(stats.batches() < stats.requests(), stats.toString());
    assertTrue(batchSizes.stream().allMatch(s -> s <= 16));
    // both workers were used
    assertTrue(pool.batchesPerWorker().stream().allMatch(n -> n > 0), pool.batchesPerWorker().toString());
  }

  @Test
  void queuedRequestsFormFullBatchesWhileWorkersAreBusy() throws Exception {
    start(1, 8, Duration.ofMillis(1), 1024, Duration.ofSeconds(1), Duration.ofSeconds(30));
    CountDownLatch closed = new CountDownLatch(1);
    gate.set(closed);
    CompletableFuture<Integer> first = batcher.submit(0);
    Thread.sleep(100); // the worker now holds batch [0] behind the gate
    List<CompletableFuture<Integer>> rest = batcher.submitAll(java.util.stream.IntStream.rangeClosed(1, 20).boxed().toList());
    closed.countDown();
    assertEquals(1, first.get(10, TimeUnit.SECONDS));
    for (int i = 0; i < rest.size(); i++) {
      assertEquals(10 * (i + 1) + 1, rest.get(i).get(10, TimeUnit.SECONDS));
    }
    assertEquals(List.of(1, 8, 8, 4), batchSizes);
  }

  @Test
  void loneRequestWaitsAtMostMaxWait() throws Exception {
    start(1, 32, Duration.ofMillis(50), 16, Duration.ofSeconds(1), Duration.ofSeconds(5));
    long t0 = System.nanoTime();
    assertEquals(71, batcher.submit(7).get(5, TimeUnit.SECONDS));
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertTrue(ms >= 45 && ms < 1000, "took " + ms + " ms");
  }

  @Test
  void requestTimesOutAndExpiredRequestsAreNotRun() throws Exception {
    start(1, 4, Duration.ZERO, 16, Duration.ofSeconds(1), Duration.ofMillis(200));
    CountDownLatch closed = new CountDownLatch(1);
    gate.set(closed);
    CompletableFuture<Integer> running = batcher.submit(1);
    Thread.sleep(50);
    CompletableFuture<Integer> queued = batcher.submit(2);
    ExecutionException e = assertThrows(ExecutionException.class, () -> queued.get(5, TimeUnit.SECONDS));
    assertInstanceOf(TimeoutException.class, e.getCause());
    assertInstanceOf(TimeoutException.class,
        assertThrows(ExecutionException.class, () -> running.get(5, TimeUnit.SECONDS)).getCause());
    closed.countDown();
    Thread.sleep(200);
    assertEquals(1, ran.get(), "the request that timed out in the queue must not run");
    assertEquals(1, batcher.stats().expired());
  }

  @Test
  void fullQueueBlocksForTheEnqueueTimeoutThenRejects() {
    start(1, 2, Duration.ZERO, 4, Duration.ofMillis(150), Duration.ofSeconds(30));
    gate.set(new CountDownLatch(1));
    batcher.submit(0); // taken by the worker, which blocks
    sleep(100);
    batcher.submit(1); // the dispatcher waits for an idle worker; these stay queued
    sleep(20);
    for (int i = 2; i <= 4; i++) {
      batcher.submit(i);
    }
    assertEquals(4, batcher.queued());
    long t0 = System.nanoTime();
    assertThrows(QueueFullException.class, () -> batcher.submit(99));
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertTrue(ms >= 140, "rejected after " + ms + " ms, expected to block ~150 ms first");
    assertEquals(1, batcher.stats().rejected());
  }

  @Test
  void closeDrainsQueuedRequestsThenRejectsNewOnes() throws Exception {
    start(1, 4, Duration.ZERO, 64, Duration.ofSeconds(1), Duration.ofSeconds(10));
    CountDownLatch closed = new CountDownLatch(1);
    gate.set(closed);
    List<CompletableFuture<Integer>> futures = batcher.submitAll(java.util.stream.IntStream.range(0, 10).boxed().toList());
    Thread closer = new Thread(batcher::close);
    closer.start();
    Thread.sleep(100);
    assertThrows(RejectedExecutionException.class, () -> batcher.submit(5));
    closed.countDown();
    closer.join(10_000);
    for (int i = 0; i < futures.size(); i++) {
      assertEquals(10 * i + 1, futures.get(i).get(1, TimeUnit.SECONDS));
    }
  }

  @Test
  void closeFailsWhatCannotFinishInTime() throws Exception {
    start(1, 1, Duration.ZERO, 64, Duration.ofSeconds(1), Duration.ofMillis(300));
    gate.set(new CountDownLatch(1)); // never opened before close
    batcher.submit(0);
    Thread.sleep(50);
    CompletableFuture<Integer> stuck = batcher.submit(1);
    long t0 = System.nanoTime();
    batcher.close();
    assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) < 3000);
    ExecutionException e = assertThrows(ExecutionException.class, () -> stuck.get(2, TimeUnit.SECONDS));
    assertTrue(e.getCause() instanceof RejectedExecutionException || e.getCause() instanceof TimeoutException, e.toString());
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }
}
