package io.emotionstream.inference;

/**
 * Counters of a {@link DynamicBatcher} since it started.
 *
 * @param requests requests accepted
 * @param batches batches sent to the workers
 * @param batchedRequests requests sent in those batches
 * @param largestBatch largest batch sent
 * @param rejected requests refused (queue full or closed)
 * @param expired requests dropped before running because they had already timed out or were cancelled
 */
public record BatcherStats(long requests, long batches, long batchedRequests, int largestBatch,
    long rejected, long expired) {

  /** Mean batch size. */
  public double meanBatchSize() {
    return batches == 0 ? 0 : (double) batchedRequests / batches;
  }
}
