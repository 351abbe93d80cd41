package io.emotionstream.torch;

import ai.djl.pytorch.jni.JniUtils;

/**
 * libtorch's profiler around some work: every operator the work runs, with its input shapes and
 * times, written as a Chrome trace ({@code chrome://tracing}, or {@code scripts/profile-summary.py}
 * for the milliseconds per operator). The benchmarks' {@code --profile} options use it.
 *
 * <p>The profiler (DJL's {@code JniUtils.startProfile}, libtorch's legacy profiler) records the
 * calling thread only: work handed to other threads (the detector's workers, the classifier's
 * batcher) is not in the trace, and operators that libtorch runs without its dispatcher (the
 * classifier's packed convolutions, {@link PrepackedConvolution}) are not recorded as operators.
 */
public final class OperatorProfile {

  private OperatorProfile() {}

  /** Work to profile, which may throw what its caller throws. */
  @FunctionalInterface
  public interface Work<E extends Exception> {
    void run() throws E;
  }

  /** Runs {@code work} on this thread under the profiler and writes the trace to {@code trace}, also when it fails. */
  public static <E extends Exception> void record(String trace, Work<E> work) throws E {
    JniUtils.startProfile(false, true, false);
    try {
      work.run();
    } finally {
      JniUtils.stopProfile(trace);
    }
  }
}
