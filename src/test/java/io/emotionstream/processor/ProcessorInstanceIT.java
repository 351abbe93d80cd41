package io.emotionstream.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.config.Settings;
import io.emotionstream.emotion.EmotionModels;
import io.emotionstream.model.ModelMetadata;
import io.emotionstream.testing.KafkaPipelineExtension;
import io.emotionstream.testing.ProcessorRun;
import java.io.IOException;
import java.net.Socket;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The lifecycle of a processor instance on a real broker: the operations server is up before the
 * model is loaded (so that probes can answer while it loads), a second load is refused, and
 * closing the instance closes its operations port.
 */
class ProcessorInstanceIT {

  @RegisterExtension
  static final KafkaPipelineExtension KAFKA = KafkaPipelineExtension.broker();

  private static boolean listening(int port) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void operationsAnswerBeforeTheModelLoadsASecondLoadIsRefusedAndCloseFreesThePort() {
    int port = ProcessorRun.freePort();
    Settings settings = KAFKA.settings("lifecycle", Map.of("ops.port", Integer.toString(port),
        "model.hot-reload", "false"));
    try (ProcessorInstance instance = ProcessorInstance.create(settings, false)) {
      assertEquals(port, instance.operations().port());
      assertTrue(listening(port), "operations server up before the model is loaded");
      assertNull(instance.modelInService(), "no model before load()");

      instance.load();
      ModelMetadata model = EmotionModels.resolve(KafkaPipelineExtension.MODEL).metadata();
      assertEquals(model.name() + " " + model.version(), instance.modelInService());
      IllegalStateException twice = assertThrows(IllegalStateException.class, instance::load);
      assertTrue(twice.getMessage().contains("already loaded"), twice.getMessage());
    }
    assertFalse(listening(port), "operations port still open after close");
  }
}
