package io.emotionstream.testing;

import io.emotionstream.policy.CameraFile;
import io.emotionstream.policy.CameraPolicies;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Camera files for tests: the cameras a test streams must be declared (listed, opted in, in a
 * context where emotion recognition is allowed) for their frames to be analysed, as in production.
 */
public final class TestCameras {

  private TestCameras() {}

  /** The camera file entries of {@code ids} as opted-in customer-area cameras. */
  public static String optedInYaml(String... ids) {
    StringBuilder yaml = new StringBuilder("cameras:\n");
    for (String id : ids) {
      yaml.append("  - {id: \"").append(id).append("\", emotion: true, context: customer-area,"
          + " purpose: \"integration test on sample photos\"}\n");
    }
    return yaml.toString();
  }

  /** A new camera file declaring {@code ids} as opted-in customer-area cameras; its path, for {@code cameras.file}. */
  public static String optedIn(String... ids) {
    return file(optedInYaml(ids));
  }

  /** The policies of {@code ids} as opted-in customer-area cameras. */
  public static CameraPolicies policies(String... ids) {
    return CameraFile.parse(optedInYaml(ids), "test cameras");
  }

  /** A new camera file with {@code yaml}; its path. */
  public static String file(String yaml) {
    try {
      Path file = Files.createTempFile("cameras", ".yaml");
      Files.writeString(file, yaml);
      return file.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
