package io.emotionstream.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.emotionstream.config.Settings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DevicePlanTest {

  @Test
  void autoUsesEveryGpu() {
    List<WorkerSlot> slots = DevicePlan.resolve("auto", 2, 3, 8);
    assertEquals(List.of(Device.gpu(0), Device.gpu(1)), slots.stream().map(WorkerSlot::device).toList());
  }

  @Test
  void cpuWorkersShareTheThreads() {
    List<WorkerSlot> slots = DevicePlan.resolve("auto", 0, 2, 8);
    assertEquals(2, slots.size());
    assertTrue(slots.stream().allMatch(s -> s.device().equals(Device.cpu()) && s.intraOpThreads() == 4));
    assertEquals(1, DevicePlan.resolve("cpu", 4, 3, 2).get(0).intraOpThreads());
  }

  @Test
  void explicitGpusAreChecked() {
    assertEquals(List.of(Device.gpu(1)), DevicePlan.resolve("gpu:1", 2, 1, 2).stream().map(WorkerSlot::device).toList());
    IllegalArgumentException e = assertThrows(DeviceUnavailableException.class, () -> DevicePlan.resolve("gpu:0,1", 1, 1, 2));
    assertThrows(DeviceUnavailableException.class, () -> DevicePlan.resolve("gpu:0", 0, 1, 2));
    assertTrue(e.getMessage().contains("GPU 1"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> DevicePlan.resolve("tpu", 0, 1, 2));
  }

  @Test
  void settingsOverrideDefaults() {
    Settings settings = Settings.defaults().with(Map.of("inference.devices", "cpu", "inference.cpu.workers", "2",
        "inference.batch.max-size", "64"), "test");
    InferenceConfig c = InferenceConfig.from(settings);
    assertEquals("cpu", c.devices());
    assertEquals(2, c.cpuWorkers());
    assertEquals(64, c.maxBatchSize());
    assertEquals(InferenceConfig.defaults().maxWait(), c.maxWait());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InferenceConfig.from(
        settings.with(Map.of("inference.queue.capacity", "lots"), "test")));
    assertTrue(e.getMessage().contains("inference.queue.capacity"));
  }

  @Test
  void settingsGiveTheConfigAndNameABadValue() {
    Settings defaults = Settings.defaults();
    assertEquals(defaults.integer("inference.cpu.threads"), InferenceConfig.defaults().cpuThreads());
    InferenceConfig c = InferenceConfig.from(defaults.with(Map.of("inference.cpu.threads", "3"), "test"));
    assertEquals(3, c.cpuThreads());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InferenceConfig.from(
        defaults.with(Map.of("inference.batch.max-size", "many"), "--set")));
    assertTrue(e.getMessage().contains("inference.batch.max-size") && e.getMessage().contains("--set"), e.getMessage());
  }
}
