package io.emotionstream.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.config.Settings;
import io.emotionstream.processor.ProcessorInstance;
import io.emotionstream.schema.CameraFrame;
import io.emotionstream.schema.FaceEmotion;
import io.emotionstream.testing.ProcessorRun;
import io.emotionstream.testing.SamplePhotos;
import io.emotionstream.testing.TestCameras;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The processor against Kafka in a container (the apache/kafka image), where a Docker engine is
 * available; skipped cleanly where there is none.
 */
@Testcontainers(disabledWithoutDocker = true)
class ProcessorTestcontainersIT {

  @Container
  static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.1");

  @Test
  void processesFramesThroughAContainerBroker() throws Exception {
    Settings settings = Settings.defaults().with(Map.of("bootstrap.servers", KAFKA.getBootstrapServers(),
        "application.id", "it-container", "topics.partitions", "2", "ops.port", "0", "model.dir", "faceapi-expression",
        "stream.state-dir", ProcessorRun.freshStateDir(),
        "frame.max-age-ms", "0", // every frame must yield its events: no shedding
        "cameras.file", TestCameras.optedIn("cam-c")), "test");
    CameraFrame frame = TestFrames.frame("cam-c", 0, SamplePhotos.encoded(960, 1).get(0));
    try (ProcessorInstance instance = ProcessorInstance.open(settings, false);
        FrameProducer producer = new FrameProducer(settings)) {
      int faces = instance.analyzer().analyze(frame).events().size();
      instance.start();
      EmotionStreams processor = instance.processor();
      assertTrue(processor.awaitRunning(Duration.ofSeconds(60)));
      producer.send(frame).get();
      ProcessorRun.await("frame processed", () -> processor.stats().framesProcessed() >= 1, Duration.ofMinutes(2));
      List<FaceEmotion> events = ProcessorRun.readEvents(settings, faces, Duration.ofSeconds(30));
      assertEquals(faces, events.size());
    }
  }
}
