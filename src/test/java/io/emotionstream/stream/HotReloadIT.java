package io.emotionstream.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.config.Settings;
import io.emotionstream.emotion.EmotionClassifiers;
import io.emotionstream.emotion.HotReloader;
import io.emotionstream.frame.EncodedImage;
import io.emotionstream.kafka.EmbeddedKafka;
import io.emotionstream.model.ModelArtifact;
import io.emotionstream.model.ModelCopies;
import io.emotionstream.model.ModelReleases;
import io.emotionstream.model.ModelStore;
import io.emotionstream.processor.ProcessorInstance;
import io.emotionstream.schema.CameraFrame;
import io.emotionstream.schema.FaceEmotion;
import io.emotionstream.testing.ProcessorRun;
import io.emotionstream.testing.SamplePhotos;
import io.emotionstream.testing.TestCameras;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot reload on a real broker: frames stream continuously while version 2 of the model is
 * published (events move from v1 to v2, no frame lost or duplicated, no error, no restart), then a
 * damaged version 3 is published and processing goes on with version 2.
 */
class HotReloadIT {

  @Test
  void releasedVersionsSwapInWithoutLosingFramesAndABadOneIsRefused(@TempDir Path tmp) throws Exception {
    ModelArtifact v1 = EmotionClassifiers.faceApiArtifact();
    String name = v1.metadata().name();
    ModelArtifact v2 = ModelArtifact.open(ModelCopies.asVersion(v1, "v2", tmp.resolve("v2")));
    Path v3 = ModelCopies.asVersion(v1, "v3", tmp.resolve("v3"));

    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      Settings settings = Settings.defaults().with(Map.of(
          "bootstrap.servers", kafka.bootstrapServers(),
          "application.id", "it-reload",
          "topics.partitions", "2",
          "commit.interval.ms", "200",
          "model.dir", v1.directory().toString(),
          "ops.port", "0",
          "stream.state-dir", ProcessorRun.freshStateDir(),
          "frame.max-age-ms", "0", // counts every frame, however slow the machine: no shedding
          "cameras.file", TestCameras.optedIn("left", "right"),
          "model.store", tmp.resolve("store").toUri().toString()), "test");
      ModelStore store = ModelStore.open(settings.string("model.store"));
      List<EncodedImage> photos = SamplePhotos.encoded(640, 1, 3, 5);
      List<CameraFrame> sent = new ArrayList<>();
      AtomicBoolean sending = new AtomicBoolean(true);

      try (ProcessorInstance instance = ProcessorInstance.open(settings, false);
          FrameProducer producer = new FrameProducer(settings)) {
        instance.start();
        HotReloader reloader = instance.reloader();
        assertNotNull(reloader);
        EmotionStreams processor = instance.processor();
        assertTrue(processor.awaitRunning(Duration.ofSeconds(60)));
        int statesAtStart = processor.stateHistory().size();
        Thread cameras = new Thread(() -> {
          int i = 0;
          while (sending.get()) {
            CameraFrame f = TestFrames.frame(i % 2 == 0 ? "left" : "right", i / 2, photos.get(i % photos.size()));
            try {
              producer.send(f).get();
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
            synchronized (sent) {
              sent.add(f);
            }
            i++;
            try {
              Thread.sleep(150);
            } catch (InterruptedException e) {
              return;
            }
          }
        }, "cameras");
        cameras.start();
        FrameStats stats = processor.stats();

        ProcessorRun.await("frames on v1", () -> stats.framesProcessed() >= 6, Duration.ofMinutes(2));
        URI v2Uri = store.publish(v2);
        ModelReleases.publish(settings, ModelReleases.release(v2.metadata(), v2Uri));
        ProcessorRun.await("v2 in service", () -> reloader.servingVersion().equals("v2"), Duration.ofMinutes(2));
        long atSwap = stats.framesProcessed();
        ProcessorRun.await("frames on v2", () -> stats.framesProcessed() >= atSwap + 6, Duration.ofMinutes(2));

        // v3: stored intact, then damaged in the store before its release goes out
        URI v3Uri = store.publish(ModelArtifact.open(v3));
        ModelCopies.damageWeights(store.fetch(v3Uri));
        ModelReleases.publish(settings, ModelReleases.release(ModelArtifact.open(v3).metadata(), v3Uri));
        ProcessorRun.await("v3 refused", () -> reloader.lastFailure() != null, Duration.ofMinutes(1));
        long atRefusal = stats.framesProcessed();
        ProcessorRun.await("frames after the refusal", () -> stats.framesProcessed() >= atRefusal + 4, Duration.ofMinutes(2));
        sending.set(false);
        cameras.join();
        ProcessorRun.await("all frames processed", () -> stats.framesProcessed() >= sent.size(), Duration.ofMinutes(2));

        assertEquals("v2", reloader.servingVersion());
        assertTrue(reloader.lastFailure().contains("v3"), reloader.lastFailure());
        assertEquals(1, reloader.reloads());
        assertEquals(0, stats.deadLettered(), "no frame may fail during a swap");
        assertEquals(KafkaStreams.State.RUNNING, processor.state());
        assertEquals(statesAtStart, processor.stateHistory().size(),
            "the processor was not restarted or rebalanced: " + processor.stateHistory());

        List<FaceEmotion> events = ProcessorRun.readEvents(settings, stats.faces(), Duration.ofSeconds(30));
        assertEquals(stats.faces(), events.size(), "every event once");
        Set<String> faces = new HashSet<>();
        for (FaceEmotion e : events) {
          assertTrue(faces.add(e.getCameraId() + "/" + e.getFrameSequence() + "/" + e.getFaceIndex()), "duplicate " + e);
        }
        Set<String> framesWithEvents = new HashSet<>();
        events.forEach(e -> framesWithEvents.add(e.getCameraId() + "/" + e.getFrameSequence()));
        assertEquals(sent.size(), framesWithEvents.size(), "every frame (all show faces) yields events");

        // per camera, in frame order: v1 ... v1 v2 ... v2, nothing from v3
        for (String camera : List.of("left", "right")) {
          List<String> versions = events.stream().filter(e -> e.getCameraId().equals(camera))
              .sorted(Comparator.comparingLong(FaceEmotion::getFrameSequence))
              .map(FaceEmotion::getModelVersion).distinct().toList();
          assertEquals(List.of(v1.metadata().version(), "v2"), versions, camera + " versions in order");
        }
        assertTrue(events.stream().noneMatch(e -> e.getModelVersion().equals("v3")));
        assertEquals(name, events.get(events.size() - 1).getModelName());
      }
    }
  }
}
