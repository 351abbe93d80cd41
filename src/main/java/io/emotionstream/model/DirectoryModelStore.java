package io.emotionstream.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** A model store on a file system (local disk, NFS, a Kubernetes volume): {@code <root>/<name>/<version>/}. */
public final class DirectoryModelStore implements ModelStore {

  private final Path root;

  public DirectoryModelStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  public Path root() {
    return root;
  }

  @Override
  public URI publish(ModelArtifact artifact) {
    ModelMetadata m = artifact.metadata();
    Path target = directory(m.name(), m.version());
    if (Files.isDirectory(target)) {
      ModelArtifact existing = ModelArtifact.open(target);
      if (!existing.metadata().weightsSha256().equals(m.weightsSha256())) {
        throw new ModelArtifactException(target, "version " + m.version() + " of " + m.name()
            + " is already published with other weights; versions are immutable, publish a new version");
      }
      return target.toUri();
    }
    try {
      Files.createDirectories(target.getParent());
      // copy next to the target, then rename: readers never see half an artifact
      Path staging = Files.createTempDirectory(target.getParent(), "." + m.version() + ".staging-");
      try (Stream<Path> files = Files.list(artifact.directory())) {
        for (Path file : (Iterable<Path>) files::iterator) {
          if (Files.isRegularFile(file)) {
            Files.copy(file, staging.resolve(file.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
          }
        }
      }
      ModelArtifact.open(staging); // the copy verifies too
      try {
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(staging, target);
      } catch (FileAlreadyExistsException e) {
        deleteTree(staging);
        return publish(artifact); // a concurrent publisher won: compare with theirs
      }
      return target.toUri();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot publish " + m.name() + " " + m.version() + " into " + root, e);
    }
  }

  @Override
  public List<ModelMetadata> list() {
    List<ModelMetadata> out = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      return out;
    }
    try (Stream<Path> metadata = Files.find(root, 3, (p, a) -> p.getFileName().toString()
        .equals(ModelArtifact.METADATA_FILE) && !p.getParent().getFileName().toString().startsWith("."))) {
      for (Path file : (Iterable<Path>) metadata::iterator) {
        try {
          out.add(ModelArtifact.parseMetadata(Files.readString(file)));
        } catch (IOException e) {
          throw new ModelArtifactException(file, "unreadable metadata: " + e.getMessage(), e);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list model store " + root, e);
    }
    out.sort(Comparator.comparing(ModelMetadata::name).thenComparing(m -> String.valueOf(m.createdAt())));
    return out;
  }

  /**
   * The artifact directory of a release, only when it lies inside this store: the path is normalised
   * and its symbolic links resolved first, so neither {@code ..} nor a link can lead out of the root.
   *
   * @throws ModelArtifactException {@code UNSUPPORTED_URI} or {@code OUTSIDE_STORE} for a refused URI,
   *     {@code INVALID} when the directory is not (yet) there
   */
  @Override
  public Path fetch(URI uri) {
    if (!"file".equals(uri.getScheme())) {
      throw new ModelArtifactException(ModelArtifactException.Reason.UNSUPPORTED_URI, root,
          "artifact URI " + uri + " is not a file: URI", null);
    }
    Path path;
    try {
      path = pathOf(uri).toAbsolutePath().normalize();
    } catch (IllegalArgumentException e) {
      throw new ModelArtifactException(ModelArtifactException.Reason.UNSUPPORTED_URI, root,
          "artifact URI " + uri + " names no local path: " + e.getMessage(), e);
    }
    if (!Files.exists(path)) {
      if (!path.startsWith(root)) {
        throw new ModelArtifactException(ModelArtifactException.Reason.OUTSIDE_STORE, path,
            "artifact URI " + uri + " lies outside the model store " + root, null);
      }
      throw new ModelArtifactException(path, "no artifact directory at " + uri);
    }
    Path real;
    Path realRoot;
    try {
      realRoot = Files.exists(root) ? root.toRealPath() : root;
      real = path.toRealPath();
    } catch (IOException e) {
      throw new ModelArtifactException(path, "cannot resolve " + uri + " in the model store " + root + ": " + e, e);
    }
    if (!real.startsWith(realRoot)) {
      throw new ModelArtifactException(ModelArtifactException.Reason.OUTSIDE_STORE, path,
          "artifact URI " + uri + " resolves to " + real + ", outside the model store " + realRoot, null);
    }
    return real;
  }

  /**
   * The local path of a {@code file:} URI: hierarchical ({@code file:/m}, {@code file:///m}) or
   * opaque and relative to the working directory ({@code file:./model-store}, {@code file:models}),
   * which {@link Path#of(URI)} refuses as "not hierarchical".
   */
  static Path pathOf(URI uri) {
    if (uri.isOpaque()) {
      return Path.of(uri.getSchemeSpecificPart());
    }
    if (uri.getAuthority() != null && !uri.getAuthority().isEmpty()) {
      throw new IllegalArgumentException("file: URI " + uri + " names a host (" + uri.getAuthority()
          + "); use file:/path or a mounted directory");
    }
    return Path.of(uri.getPath());
  }

  @Override
  public URI locate(String name, String version) {
    Path dir = directory(name, version);
    if (!Files.isDirectory(dir)) {
      throw new ModelArtifactException(dir, "no version " + version + " of model " + name + " in the store");
    }
    return dir.toUri();
  }

  private Path directory(String name, String version) {
    for (String part : new String[] {name, version}) {
      if (part == null || part.isBlank() || part.contains("/") || part.contains("\\") || part.startsWith(".")) {
        throw new IllegalArgumentException("model name and version must be plain names: '" + part + "'");
      }
    }
    return root.resolve(name).resolve(version);
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }
}
