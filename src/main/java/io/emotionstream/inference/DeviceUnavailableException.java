package io.emotionstream.inference;

/**
 * {@code inference.devices} names GPUs the engine cannot use (no CUDA build of libtorch loaded, no
 * driver, fewer GPUs). A processor that was asked for GPUs stays up but not ready and says why,
 * rather than serving from the CPU at a fraction of the planned throughput.
 */
public class DeviceUnavailableException extends IllegalArgumentException {

  public DeviceUnavailableException(String message) {
    super(message);
  }
}
