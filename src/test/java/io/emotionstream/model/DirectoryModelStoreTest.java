package io.emotionstream.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.emotion.EmotionClassifiers;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryModelStoreTest {

  @Test
  void publishesImmutableVersionsAndListsThem(@TempDir Path tmp) throws Exception {
    ModelArtifact bundled = EmotionClassifiers.faceApiArtifact();
    ModelStore store = ModelStore.open(tmp.resolve("store").toUri().toString());
    URI v1 = store.publish(bundled);
    assertEquals(v1, store.publish(bundled), "publishing the same version again is a no-op");
    ModelArtifact stored = ModelArtifact.open(store.fetch(v1));
    assertEquals(bundled.metadata().weightsSha256(), stored.metadata().weightsSha256());

    ModelArtifact v2 = ModelArtifact.open(ModelCopies.asVersion(bundled, "2", tmp.resolve("v2")));
    URI v2Uri = store.publish(v2);
    assertEquals(List.of(bundled.metadata().version(), "2"),
        store.list().stream().map(ModelMetadata::version).sorted().toList());
    assertEquals(v2Uri, store.locate(bundled.metadata().name(), "2"));

    // same version, other weights: refused
    Path other = ModelCopies.asVersion(bundled, "2", tmp.resolve("other"));
    Path weights = other.resolve(v2.metadata().weightsFile());
    byte[] bytes = Files.readAllBytes(weights);
    bytes[bytes.length - 1] ^= 1;
    Files.write(weights, bytes);
    Path metadata = other.resolve(ModelArtifact.METADATA_FILE);
    ModelMetadata m = ModelArtifact.parseMetadata(Files.readString(metadata));
    Files.writeString(metadata, ModelArtifact.toJson(m.withWeights(m.weightsFile(), ModelArtifact.sha256(weights))));
    ModelArtifactException e = assertThrows(ModelArtifactException.class, () -> store.publish(ModelArtifact.open(other)));
    assertTrue(e.getMessage().contains("immutable"), e.getMessage());

    assertThrows(ModelArtifactException.class, () -> store.locate(bundled.metadata().name(), "9"));
    assertThrows(IllegalArgumentException.class, () -> ModelStore.open("s3://bucket/models"));
  }
}
