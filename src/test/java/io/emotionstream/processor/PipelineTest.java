package io.emotionstream.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.config.Settings;
import io.emotionstream.emotion.EmotionModels;
import io.emotionstream.model.ModelMetadata;
import io.emotionstream.schema.FaceEmotion;
import io.emotionstream.schema.LabelScore;
import io.emotionstream.stream.TestFrames;
import io.emotionstream.testing.KafkaPipelineExtension;
import io.emotionstream.testing.SamplePhotos;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The pipeline wired from the settings: its analyzer runs the model the settings name (the events
 * and {@link Pipeline#modelInService()} name it, its labels are the model's), its inference metrics
 * are registered and count the work, hot reload is only followed when it is on, and a minimum
 * confidence outside [0, 1] is refused naming the setting.
 */
class PipelineTest {

  private static Settings settings(Map<String, String> extra) {
    return Settings.defaults().with(Map.of("model.dir", KafkaPipelineExtension.MODEL), "test").with(extra, "test");
  }

  @Test
  void theAnalyzerRunsTheNamedModelAndItsMetricsCountTheWork() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ModelMetadata model = EmotionModels.resolve(KafkaPipelineExtension.MODEL).metadata();
    try (Pipeline pipeline = Pipeline.open(settings(Map.of()), registry)) {
      assertEquals(model.name() + " " + model.version(), pipeline.modelInService());
      assertEquals(model.labels(), pipeline.labels());
      assertNotNull(registry.find("emotionstream.inference.queue.depth").gauge());

      List<FaceEmotion> events = pipeline.analyzer()
          .analyze(TestFrames.frame("cam", 1, SamplePhotos.encoded(960, 1).get(0))).events();
      assertFalse(events.isEmpty(), "the sample photo shows faces");
      for (FaceEmotion e : events) {
        assertEquals(model.name(), e.getModelName());
        assertEquals(model.version(), e.getModelVersion());
        assertEquals(pipeline.labels(), e.getScores().stream().map(LabelScore::getLabel).toList());
      }
      double batches = registry.find("emotionstream.inference.batches").functionCounter().count();
      assertTrue(batches >= 1, "batches counted: " + batches);
      assertNull(pipeline.startHotReload(settings(Map.of("model.hot-reload", "false")), registry),
          "hot reload is off");
    }
  }

  @Test
  void aMinimumConfidenceOutsideZeroToOneIsRefusedNamingTheSetting() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Pipeline.open(settings(Map.of("emotion.min-confidence", "1.5"))));
    assertTrue(e.getMessage().contains("emotion.min-confidence"), e.getMessage());
  }
}
