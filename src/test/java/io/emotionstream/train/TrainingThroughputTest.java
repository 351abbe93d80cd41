package io.emotionstream.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
        io.emotionstream.emotion.ResNet18.Stem.NO_POOL, null);
    assertEquals("no-pool", r.get("stem"));
    assertEquals(true, r.get("pipeline"));
    Map<?, ?> phases = (Map<?, ?>) r.get("phases_ms_per_step");
    for (String phase : List.of("prepare", "forward", "backward", "update", "total")) {
      assertTrue(((Double) phases.get(phase)) > 0, phase + " in " + phases);
    }
    assertTrue((Double) r.get("cpu_ms_per_step") >= 0, r.toString());
  }

  @Test
  void profileHoldsEveryConvolutionOfTheProfiledStepsAndTheSummarySumsThem(@TempDir Path dir)
      throws IOException, InterruptedException {
    Path trace = dir.resolve("profile.json");
    Map<String, Object> r = TrainingThroughput.measure(32, 4, 3, TrainingOptions.OptimizerKind.SGD, 1, 2, 1, false,
        io.emotionstream.emotion.ResNet18.Stem.IMAGENET, trace);
    assertEquals(trace.toString(), r.get("profile"));
    JsonNode events = new ObjectMapper().readTree(trace.toFile());
    int backward = 0;
    for (JsonNode e : events.isArray() ? events : events.get("traceEvents")) {
      if ("aten::convolution_backward".equals(e.path("name").asText())) {
        backward++;
      }
    }
    // ResNet-18 has 20 convolutions (17 of 3x3 or 7x7, 3 downsampling 1x1); two profiled steps.
    assertEquals(40, backward, "convolution backward passes in " + trace);

    Path script = Path.of("scripts/profile-summary.py");
    Assumptions.assumeTrue(python3(), "python3 is not installed: the summary script is not checked");
    Process p = new ProcessBuilder("python3", script.toString(), "--steps", "2", "--top", "100", trace.toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, out);
    String row = out.lines().filter(l -> l.startsWith("aten::convolution_backward |")).findFirst().orElseThrow(
        () -> new AssertionError("no convolution_backward row in:\n" + out));
    assertTrue(row.endsWith(", 20"), "20 calls per step expected: " + row);
  }

  private static boolean python3() {
    try {
      return new ProcessBuilder("python3", "--version").start().waitFor(10, TimeUnit.SECONDS);
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }
}
