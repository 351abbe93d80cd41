package io.emotionstream.emotion;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.emotionstream.inference.InferenceConfig;
import io.emotionstream.model.ModelArtifact;
import io.emotionstream.torch.OneDnnTensors;
import io.emotionstream.torch.Precision;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** {@code emotionstream_model_info} names what the served network computes in on this instance. */
class ModelInfoMetricTest {

  @Test
  void precisionIsWhatTheWorkersComputeIn() {
    ModelArtifact artifact = SampleFaces.bundledArtifactOrSkip();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ModelInfoMetric info = new ModelInfoMetric(registry);
    String expected = OneDnnTensors.bfloat16Available() ? "bfloat16" : "float32";
    try (ModelRuntime auto = ModelRuntime.start(artifact, InferenceConfig.defaults().withPrecision(Precision.AUTO))) {
      assertEquals(expected, auto.computesIn());
      info.show(auto);
      assertEquals(expected, shown(registry, "precision"));
      info.role("stable", "canary");
      assertEquals(expected, shown(registry, "precision"), "a change of role keeps the precision");
      assertEquals("canary", shown(registry, "role"));
    }
    try (ModelRuntime float32 = ModelRuntime.start(artifact, InferenceConfig.defaults().withPrecision(Precision.FLOAT32))) {
      info.show(float32);
      assertEquals("float32", shown(registry, "precision"), "float32 when asked for, on any CPU");
    }
  }

  private static String shown(SimpleMeterRegistry registry, String tag) {
    String value = null;
    int rows = 0;
    for (Gauge g : registry.find("emotionstream.model.info").gauges()) {
      if (g.value() == 1) {
        value = g.getId().getTag(tag);
        rows++;
      }
    }
    assertEquals(1, rows, "one model in service");
    return value;
  }
}
