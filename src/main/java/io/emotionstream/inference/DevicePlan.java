package io.emotionstream.inference;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Turns {@code inference.devices} into the list of workers to start. */
public final class DevicePlan {

  private DevicePlan() {}

  /** Uses the GPU count of DJL's default engine. */
  public static List<WorkerSlot> resolve(InferenceConfig config) {
    return resolve(config.devices(), Engine.getInstance().getGpuCount(), config.cpuWorkers(),
        config.cpuThreads() > 0 ? config.cpuThreads() : Runtime.getRuntime().availableProcessors());
  }

  /**
   * @param spec {@code auto}, {@code cpu} or {@code gpu:0,1}
   * @param gpuCount GPUs present
   * @param cpuWorkers CPU workers when on the CPU
   * @param cpuThreads threads to share out among the CPU workers (each gets at least one)
   */
  public static List<WorkerSlot> resolve(String spec, int gpuCount, int cpuWorkers, int cpuThreads) {
    String s = spec.trim().toLowerCase(Locale.ROOT);
    List<WorkerSlot> slots = new ArrayList<>();
    if (s.equals("auto") && gpuCount > 0) {
      for (int i = 0; i < gpuCount; i++) {
        slots.add(new WorkerSlot(Device.gpu(i), i, 0));
      }
    } else if (s.equals("auto") || s.equals("cpu")) {
      int threads = Math.max(1, cpuThreads / cpuWorkers);
      for (int i = 0; i < cpuWorkers; i++) {
        slots.add(new WorkerSlot(Device.cpu(), i, threads));
      }
    } else if (s.startsWith("gpu:")) {
      for (String id : s.substring(4).split(",")) {
        int gpu;
        try {
          gpu = Integer.parseInt(id.trim());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("inference.devices: bad GPU id '" + id + "' in '" + spec + "'", e);
        }
        if (gpu < 0 || gpu >= gpuCount) {
          throw new IllegalArgumentException("inference.devices: GPU " + gpu + " requested in '" + spec
              + "' but the engine finds " + gpuCount + " GPU(s)");
        }
        slots.add(new WorkerSlot(Device.gpu(gpu), slots.size(), 0));
      }
    } else {
      throw new IllegalArgumentException("inference.devices must be auto, cpu or gpu:ID[,ID...]: '" + spec + "'");
    }
    return slots;
  }
}
