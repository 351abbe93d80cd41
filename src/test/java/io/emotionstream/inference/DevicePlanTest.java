package io.emotionstream.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.emotionstream.config.Settings;
import java.util.List;
import java.util.Map;
import java.util.Properties;
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
  void propertiesOverrideDefaults() {
    Properties p = new Properties();
    p.setProperty("inference.devices", "cpu");
    p.setProperty("inference.cpu.workers", "2");
    p.setProperty("inference.batch.max-size", "64");
    InferenceConfig c = InferenceConfig.fromProperties(p);
    assertEquals("cpu", c.devices());
    assertEquals(2, c.cpuWorkers());
    assertEquals(64, c.maxBatchSize());
    assertEquals(InferenceConfig.defaults().maxWait(), c.maxWait());
    p.setProperty("inference.queue.capacity", "lots");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InferenceConfig.fromProperties(p));
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
