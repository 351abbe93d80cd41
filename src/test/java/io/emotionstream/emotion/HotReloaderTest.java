package io.emotionstream.emotion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.config.Settings;
import io.emotionstream.inference.InferenceConfig;
import io.emotionstream.model.ModelArtifact;
import io.emotionstream.model.ModelCopies;
import io.emotionstream.model.ModelReleases;
import io.emotionstream.model.ModelStore;
import io.emotionstream.schema.ModelRelease;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reloader's decisions on real artifacts and the real model, without the releases topic: the
 * poll loop only hands releases to {@code offer} and calls {@code applyDue}.
 */
class HotReloaderTest {

  private static Settings settings(Path store) {
    return Settings.defaults().with(Map.of("model.store", store.toString(),
        "model.reload.retry-initial-ms", "100", "model.reload.retry-max-ms", "400",
        "model.reload.max-attempts", "0"), "test");
  }

  @Test
  void aFailedReleaseIsRetriedUntilTheStoreHasIt(@TempDir Path tmp) throws Exception {
    ModelArtifact v1 = EmotionClassifiers.faceApiArtifact();
    ModelArtifact v2 = ModelArtifact.open(ModelCopies.asVersion(v1, "2", tmp.resolve("v2")));
    Path storeDir = tmp.resolve("store"); // not there yet: a volume mounted late
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (BatchingEmotionClassifier classifier = EmotionClassifiers.open(v1, InferenceConfig.defaults());
        HotReloader reloader = new HotReloader(settings(storeDir), classifier, InferenceConfig.defaults(), registry,
            new ModelInfoMetric(registry))) {
      ModelRelease release = ModelReleases.release(v2.metadata(),
          storeDir.resolve(v1.metadata().name()).resolve("2").toUri());
      reloader.offer(release);
      reloader.applyDue();
      assertEquals(v1.metadata().version(), reloader.servingVersion());
      assertTrue(reloader.lastFailure().contains("retrying"), reloader.lastFailure());

      ModelStore.open(storeDir.toString()).publish(v2);
      long deadline = System.currentTimeMillis() + 10_000;
      while (!reloader.servingVersion().equals("2") && System.currentTimeMillis() < deadline) {
        Thread.sleep(50);
        reloader.applyDue();
      }
      assertEquals("2", reloader.servingVersion());
      assertEquals(2.0, registry.get("emotionstream.model.reload.attempts").counter().count(),
          "one failed attempt, one retry after the backoff");
    }
  }

  /**
   * An artifact whose weights match their checksum but hold NaN fails the same way at every attempt:
   * tried once and refused as corrupt, not retried up to model.reload.max-attempts times.
   */
  @Test
  void anArtifactCorruptAsPublishedIsTriedOnce(@TempDir Path tmp) throws Exception {
    ModelArtifact v1 = EmotionClassifiers.faceApiArtifact();
    Path storeDir = tmp.resolve("store");
    Path copy = ModelCopies.asVersion(v1, "5", tmp.resolve("v5"));
    ModelCopies.nanWeightsWithMatchingChecksum(copy);
    ModelArtifact v5 = ModelArtifact.open(copy);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Settings tenAttempts = settings(storeDir).with(Map.of("model.reload.max-attempts", "10"), "test");
    try (BatchingEmotionClassifier classifier = EmotionClassifiers.open(v1, InferenceConfig.defaults());
        HotReloader reloader = new HotReloader(tenAttempts, classifier, InferenceConfig.defaults(), registry,
            new ModelInfoMetric(registry))) {
      reloader.offer(ModelReleases.release(v5.metadata(), ModelStore.open(storeDir.toString()).publish(v5)));
      for (int i = 0; i < 5; i++) {
        reloader.applyDue();
        Thread.sleep(150); // past the first retry delays (100, 200 ms)
      }
      assertEquals(1.0, registry.get("emotionstream.model.reload.attempts").counter().count(), "not retried");
      assertEquals(1.0, registry.get("emotionstream.model.releases.refused").tag("reason", "corrupt").counter()
          .count());
      assertTrue(reloader.lastFailure().contains("NaN") && reloader.lastFailure().contains("not retried"),
          reloader.lastFailure());
      assertEquals(v1.metadata().version(), reloader.servingVersion());
    }
  }

  @Test
  void aNewerReleaseSupersedesPendingRetriesAndRefusalsAreNotRetried(@TempDir Path tmp) throws Exception {
    ModelArtifact v1 = EmotionClassifiers.faceApiArtifact();
    Path storeDir = tmp.resolve("store");
    ModelStore store = ModelStore.open(storeDir.toString());
    ModelArtifact v3 = ModelArtifact.open(ModelCopies.asVersion(v1, "3", tmp.resolve("v3")));
    Path outside = ModelCopies.asVersion(v1, "4", tmp.resolve("outside/4"));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (BatchingEmotionClassifier classifier = EmotionClassifiers.open(v1, InferenceConfig.defaults());
        HotReloader reloader = new HotReloader(settings(storeDir), classifier, InferenceConfig.defaults(), registry,
            new ModelInfoMetric(registry))) {
      // an artifact outside the store: refused with its reason, never retried
      reloader.offer(ModelReleases.release(ModelArtifact.open(outside).metadata(), outside.toUri()));
      reloader.applyDue();
      assertEquals(1.0, registry.get("emotionstream.model.releases.refused").tag("reason", "outside-store")
          .counter().count());
      Thread.sleep(300);
      reloader.applyDue();
      assertEquals(1.0, registry.get("emotionstream.model.reload.attempts").counter().count(), "not retried");
      assertEquals(v1.metadata().version(), reloader.servingVersion());

      // version 2 never arrives; version 3 is released meanwhile and replaces it
      reloader.offer(ModelReleases.release(v3.metadata(), storeDir.resolve(v1.metadata().name()).resolve("2").toUri()));
      reloader.applyDue();
      reloader.offer(ModelReleases.release(v3.metadata(), store.publish(v3)));
      reloader.applyDue();
      assertEquals("3", reloader.servingVersion());
      Thread.sleep(300);
      reloader.applyDue();
      assertEquals(3.0, registry.get("emotionstream.model.reload.attempts").counter().count());
    }
  }
}
