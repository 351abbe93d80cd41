package io.emotionstream.model;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * Where published model artifacts live, one immutable directory per (name, version). A directory
 * store ({@link DirectoryModelStore}) is built in; an object store implements the same calls.
 */
public interface ModelStore {

  /**
   * Copies a verified artifact into the store. Publishing the same version twice is accepted when
   * the weights are identical and refused otherwise (versions are immutable).
   *
   * @return the URI of the stored artifact, as written into a ModelRelease
   */
  URI publish(ModelArtifact artifact);

  /** Metadata of every stored version, by name then creation time. */
  List<ModelMetadata> list();

  /** A local directory holding the artifact at {@code uri} (downloaded first by remote stores). */
  Path fetch(URI uri);

  /** The URI of a stored version. */
  URI locate(String name, String version);

  /**
   * Opens the store at {@code location}: a directory path or a {@code file:} URI, absolute or
   * relative ({@code ./model-store}, {@code file:./model-store}); relative ones are resolved against
   * the working directory.
   *
   * @throws IllegalArgumentException for a scheme no store implements
   */
  static ModelStore open(String location) {
    if (location == null || location.isBlank()) {
      throw new IllegalArgumentException("no model store configured (setting model.store)");
    }
    if (location.contains("://") || location.startsWith("file:")) {
      URI uri;
      try {
        uri = URI.create(location);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("model store '" + location + "' is not a valid URI: " + e.getMessage(), e);
      }
      if (!"file".equals(uri.getScheme())) {
        throw new IllegalArgumentException("model store '" + location + "': scheme " + uri.getScheme()
            + " is not supported (use a directory or a file: URI)");
      }
      return new DirectoryModelStore(DirectoryModelStore.pathOf(uri));
    }
    return new DirectoryModelStore(Path.of(location));
  }
}
