package io.emotionstream.inference;

import ai.djl.Device;

/**
 * One worker to start: its device and, for CPU workers, its share of the intra-op threads.
 *
 * @param device where the worker's model lives
 * @param index worker number, 0-based
 * @param intraOpThreads threads this worker's operators may use (CPU); 0 = engine default
 */
public record WorkerSlot(Device device, int index, int intraOpThreads) {}
