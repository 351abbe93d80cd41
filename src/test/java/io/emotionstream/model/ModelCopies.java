package io.emotionstream.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Re-versioned and damaged copies of a real artifact, for release and reload tests. */
public final class ModelCopies {

  private ModelCopies() {}

  /** A copy of {@code source} released under another version (same weights, so the checksum holds). */
  public static Path asVersion(ModelArtifact source, String version, Path dir) throws IOException {
    copy(source.directory(), dir);
    Path metadata = dir.resolve(ModelArtifact.METADATA_FILE);
    ModelMetadata m = ModelArtifact.parseMetadata(Files.readString(metadata));
    ModelMetadata renamed = new ModelMetadata(m.formatVersion(), m.name(), version, m.architecture(), m.labels(),
        m.inputWidth(), m.inputHeight(), m.channels(), m.colour(), m.mean(), m.std(), m.crop(), m.createdAt(),
        m.metrics(), m.weightsFile(), m.weightsSha256(), m.version());
    Files.writeString(metadata, ModelArtifact.toJson(renamed));
    return dir;
  }

  /** As {@link #asVersion(ModelArtifact, String, Path)}, recorded as made at {@code createdAt}. */
  public static Path asVersion(ModelArtifact source, String version, java.time.Instant createdAt, Path dir)
      throws IOException {
    asVersion(source, version, dir);
    Path metadata = dir.resolve(ModelArtifact.METADATA_FILE);
    ModelMetadata m = ModelArtifact.parseMetadata(Files.readString(metadata));
    Files.writeString(metadata, ModelArtifact.toJson(new ModelMetadata(m.formatVersion(), m.name(), m.version(),
        m.architecture(), m.labels(), m.inputWidth(), m.inputHeight(), m.channels(), m.colour(), m.mean(), m.std(),
        m.crop(), createdAt.toString(), m.metrics(), m.weightsFile(), m.weightsSha256(), m.parentVersion())));
    return dir;
  }

  /** Flips bytes in the middle of the weights file, so that it no longer matches its checksum. */
  public static void damageWeights(Path artifactDir) throws IOException {
    Path weights = artifactDir.resolve(ModelArtifact.parseMetadata(
        Files.readString(artifactDir.resolve(ModelArtifact.METADATA_FILE))).weightsFile());
    byte[] bytes = Files.readAllBytes(weights);
    for (int i = bytes.length / 2; i < bytes.length / 2 + 64; i++) {
      bytes[i] ^= 0x5a;
    }
    Files.write(weights, bytes);
  }

  /**
   * Writes NaN into the last value of the weights file and records the new checksum: an artifact
   * complete as published (its checksum holds) that can never load.
   */
  public static void nanWeightsWithMatchingChecksum(Path artifactDir) throws IOException {
    Path metadata = artifactDir.resolve(ModelArtifact.METADATA_FILE);
    ModelMetadata m = ModelArtifact.parseMetadata(Files.readString(metadata));
    Path weights = artifactDir.resolve(m.weightsFile());
    byte[] bytes = Files.readAllBytes(weights);
    // 00 00 C0 7F: a float32 NaN, and a NaN in its last two bytes as float16 or bfloat16 too
    bytes[bytes.length - 4] = 0;
    bytes[bytes.length - 3] = 0;
    bytes[bytes.length - 2] = (byte) 0xc0;
    bytes[bytes.length - 1] = 0x7f;
    Files.write(weights, bytes);
    Files.writeString(metadata, ModelArtifact.toJson(new ModelMetadata(m.formatVersion(), m.name(), m.version(),
        m.architecture(), m.labels(), m.inputWidth(), m.inputHeight(), m.channels(), m.colour(), m.mean(), m.std(),
        m.crop(), m.createdAt(), m.metrics(), m.weightsFile(), ModelArtifact.sha256(weights), m.parentVersion())));
  }

  private static void copy(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
  }
}
