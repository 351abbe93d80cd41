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

  @Test
  void relativeStoresResolveAgainstTheWorkingDirectory(@TempDir Path tmp) throws Exception {
    Path cwd = Path.of("").toAbsolutePath();
    String unique = "target/test-stores/" + System.nanoTime();
    // the bundled default is an opaque URI: Path.of(URI) refuses it as "not hierarchical"
    for (String location : List.of("file:./" + unique + "/a", "file:" + unique + "/b", "./" + unique + "/c",
        unique + "/d")) {
      DirectoryModelStore store = (DirectoryModelStore) ModelStore.open(location);
      assertEquals(cwd.resolve(unique).resolve(location.substring(location.length() - 1)), store.root(), location);
      URI uri = store.publish(EmotionClassifiers.defaultArtifact());
      assertEquals(1, store.list().size(), location);
      assertEquals(store.root().toRealPath().resolve(EmotionClassifiers.defaultArtifact().metadata().name())
          .resolve(EmotionClassifiers.defaultArtifact().metadata().version()), store.fetch(uri), location);
    }
    for (String location : List.of(tmp.toUri().toString(), "file://" + tmp, "file:" + tmp, tmp.toString())) {
      assertEquals(tmp.toAbsolutePath().normalize(), ((DirectoryModelStore) ModelStore.open(location)).root(), location);
    }
    assertEquals(Path.of("/work/x"), DirectoryModelStore.pathOf(URI.create("file:///work/x")));
  }

  @Test
  void releasesOutsideTheStoreAreRefused(@TempDir Path tmp) throws Exception {
    ModelArtifact bundled = EmotionClassifiers.defaultArtifact();
    DirectoryModelStore store = (DirectoryModelStore) ModelStore.open(tmp.resolve("store").toString());
    URI inside = store.publish(bundled);
    Path outside = ModelCopies.asVersion(bundled, "evil", tmp.resolve("outside/evil"));

    // a directory outside the store root
    ModelArtifactException e = assertThrows(ModelArtifactException.class, () -> store.fetch(outside.toUri()));
    assertEquals(ModelArtifactException.Reason.OUTSIDE_STORE, e.reason(), e.getMessage());
    // a path inside the store that climbs out with ..
    URI climbing = URI.create(inside + "../../../outside/evil");
    e = assertThrows(ModelArtifactException.class, () -> store.fetch(climbing));
    assertEquals(ModelArtifactException.Reason.OUTSIDE_STORE, e.reason(), e.getMessage());
    // a symbolic link inside the store that leads out of it
    Path link = Files.createSymbolicLink(store.root().resolve(bundled.metadata().name()).resolve("linked"), outside);
    e = assertThrows(ModelArtifactException.class, () -> store.fetch(link.toUri()));
    assertEquals(ModelArtifactException.Reason.OUTSIDE_STORE, e.reason(), e.getMessage());
    // another scheme
    e = assertThrows(ModelArtifactException.class, () -> store.fetch(URI.create("http://example.org/m")));
    assertEquals(ModelArtifactException.Reason.UNSUPPORTED_URI, e.reason(), e.getMessage());
    // a missing directory inside the store is a plain (retryable) problem, not a refusal
    e = assertThrows(ModelArtifactException.class, () -> store.fetch(store.root().resolve("m/9").toUri()));
    assertEquals(ModelArtifactException.Reason.INVALID, e.reason(), e.getMessage());
    assertEquals(ModelArtifact.open(store.fetch(inside)).metadata().version(), bundled.metadata().version());
  }

  @Test
  void weightsOutsideTheArtifactAreRefused(@TempDir Path tmp) throws Exception {
    ModelArtifact bundled = EmotionClassifiers.defaultArtifact();
    Path secret = Files.copy(bundled.weightsFile(), tmp.resolve("secret.safetensors"));
    Path dir = ModelCopies.asVersion(bundled, "climb", tmp.resolve("a/b/climb"));
    Path metadataFile = dir.resolve(ModelArtifact.METADATA_FILE);
    ModelMetadata m = ModelArtifact.parseMetadata(Files.readString(metadataFile));
    for (String weights : List.of("../../../secret.safetensors", secret.toString())) {
      Files.writeString(metadataFile, ModelArtifact.toJson(m.withWeights(weights, m.weightsSha256())));
      ModelArtifactException e = assertThrows(ModelArtifactException.class, () -> ModelArtifact.open(dir));
      assertEquals(ModelArtifactException.Reason.WEIGHTS_OUTSIDE_ARTIFACT, e.reason(), weights + ": " + e.getMessage());
    }
    Files.delete(dir.resolve(m.weightsFile()));
    Files.createSymbolicLink(dir.resolve(m.weightsFile()), secret);
    Files.writeString(metadataFile, ModelArtifact.toJson(m));
    ModelArtifactException e = assertThrows(ModelArtifactException.class, () -> ModelArtifact.open(dir));
    assertEquals(ModelArtifactException.Reason.WEIGHTS_OUTSIDE_ARTIFACT, e.reason(), e.getMessage());
  }
}
