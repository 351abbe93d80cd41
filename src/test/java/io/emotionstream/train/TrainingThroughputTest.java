package io.emotionstream.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainingThroughputTest {

  static {
    OneThreadEngine.use();
  }

  @Test
  void reportsAPositiveRatePerRepeat() {
    Map<String, Object> r = TrainingThroughput.measure(32, 4, 3, TrainingOptions.OptimizerKind.ADAMW, 1, 2, 3);
    assertTrue((Double) r.get("images_per_second") > 0, r.toString());
    assertEquals(3, ((List<?>) r.get("repeats")).size());
    assertEquals(32, r.get("input_size"));
  }

  @Test
  void pipelineTimesEachPhaseOfTheSgdStep() {
    Map<String, Object> r = TrainingThroughput.measure(32, 4, 3, TrainingOptions.OptimizerKind.SGD, 1, 2, 1, true,
        io.emotionstream.emotion.ResNet18.Stem.NO_POOL);
    assertEquals("no-pool", r.get("stem"));
    assertEquals(true, r.get("pipeline"));
    Map<?, ?> phases = (Map<?, ?>) r.get("phases_ms_per_step");
    for (String phase : List.of("prepare", "forward", "backward", "update", "total")) {
      assertTrue(((Double) phases.get(phase)) > 0, phase + " in " + phases);
    }
    assertTrue((Double) r.get("cpu_ms_per_step") >= 0, r.toString());
  }
}
