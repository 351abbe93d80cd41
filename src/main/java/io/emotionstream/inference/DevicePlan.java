package io.emotionstream.inference;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Turns {@code inference.devices} into the list of workers to start. */
public final class DevicePlan {

  private DevicePlan() {}

  private static String engineDescription() {
    try {
      Engine engine = Engine.getInstance();
      return "engine " + engine.getEngineName() + " " + engine.getVersion() + ", PYTORCH_FLAVOR="
          + System.getenv().getOrDefault("PYTORCH_FLAVOR", "unset");
    } catch (RuntimeException e) {
      return "no engine: " + e.getMessage();
    }
  }

  /**
   * When {@code inference.devices} names GPUs: checks that the engine loads and has them.
   *
   * @throws DeviceUnavailableException when it does not (no CUDA libtorch, no driver, too few GPUs)
   */
  public static void requireRequestedGpus(InferenceConfig config) {
    if (!config.devices().trim().toLowerCase(java.util.Locale.ROOT).startsWith("gpu")) {
      return;
    }
    int gpus;
    try {
      gpus = Engine.getInstance().getGpuCount();
    } catch (RuntimeException | LinkageError e) { // EngineException, UnsatisfiedLinkError of libtorch_cuda
      throw new DeviceUnavailableException("inference.devices=" + config.devices() + " but the PyTorch engine "
          + "does not load: " + e + " (PYTORCH_FLAVOR=" + System.getenv().getOrDefault("PYTORCH_FLAVOR", "unset") + ")");
    }
    resolve(config.devices(), gpus, config.cpuWorkers(), 1);
  }

  /** Uses the GPU count of DJL's default engine. */
  public static List<WorkerSlot> resolve(InferenceConfig config) {
    return resolve(config.devices(), Engine.getInstance().getGpuCount(), config.cpuWorkers(),
        config.cpuThreads() > 0 ? config.cpuThreads() : Runtime.getRuntime().availableProcessors());
  }

  /**
   * @param spec {@code auto} (every GPU, else the CPU), {@code cpu}, {@code gpu} (every GPU, at least
   *     one) or {@code gpu:0,1}
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
    } else if (s.equals("gpu")) {
      if (gpuCount == 0) {
        throw new DeviceUnavailableException("inference.devices: every GPU requested ('" + spec
            + "') but the engine finds none (" + engineDescription()
            + "; a GPU needs the CUDA build of libtorch, the -Pgpu build or the gpu image, and an NVIDIA driver)");
      }
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
        if (gpu < 0) {
          throw new IllegalArgumentException("inference.devices: bad GPU id '" + id + "' in '" + spec + "'");
        }
        if (gpu >= gpuCount) {
          throw new DeviceUnavailableException("inference.devices: GPU " + gpu + " requested in '" + spec
              + "' but the engine finds " + gpuCount + " GPU(s)" + (gpuCount == 0 ? " (" + engineDescription()
              + "; a GPU needs the CUDA build of libtorch, the -Pgpu build or the gpu image, and an NVIDIA driver)" : ""));
        }
        slots.add(new WorkerSlot(Device.gpu(gpu), slots.size(), 0));
      }
    } else {
      throw new IllegalArgumentException("inference.devices must be auto, cpu, gpu or gpu:ID[,ID...]: '" + spec + "'");
    }
    return slots;
  }
}
