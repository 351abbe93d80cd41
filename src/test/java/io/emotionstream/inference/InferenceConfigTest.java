package io.emotionstream.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.config.Settings;
import io.emotionstream.torch.Precision;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InferenceConfigTest {

  @Test
  void precisionIsAutoUnlessSet() {
    assertEquals(Precision.AUTO, InferenceConfig.defaults().precision(), "the bundled setting");
    Settings bf16 = Settings.defaults().with(Map.of("inference.precision", "BFloat16"), "test");
    assertEquals(Precision.BFLOAT16, InferenceConfig.from(bf16).precision());
    Settings f32 = Settings.defaults().with(Map.of("inference.precision", "float32"), "test");
    assertEquals(Precision.FLOAT32, InferenceConfig.from(f32).precision());
    assertTrue(Precision.AUTO.wantsBfloat16() && Precision.BFLOAT16.wantsBfloat16()
        && !Precision.FLOAT32.wantsBfloat16());
    assertEquals(Precision.BFLOAT16, InferenceConfig.defaults().withMaxBatchSize(4)
        .withPrecision(Precision.BFLOAT16).withCpuWorkers(2).precision(), "the with-methods keep it");
    assertEquals(Precision.AUTO, InferenceConfig.defaults().withPrecision(null).precision(),
        "a config built in code without a precision serves as the bundled default does");
  }

  @Test
  void aWrongPrecisionNamesTheSettingAndItsSource() {
    Settings half = Settings.defaults().with(Map.of("inference.precision", "float16"), "flag --set");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InferenceConfig.from(half));
    assertTrue(e.getMessage().contains("inference.precision") && e.getMessage().contains("flag --set")
        && e.getMessage().contains("float16") && e.getMessage().contains("auto"), e.getMessage());
  }
}
