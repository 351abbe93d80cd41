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
}
