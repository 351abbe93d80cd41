package io.emotionstream.cli.bench;

import io.emotionstream.config.Settings;
import io.emotionstream.policy.CameraFileWatcher;
import io.emotionstream.policy.CameraPolicies;
import io.emotionstream.policy.Refusal;
import java.util.List;
import java.util.Map;

/**
 * The simulated cameras of {@code demo} and {@code bench stream}: {@code demo-camera-1} to
 * {@code demo-camera-N}, declared as opted-in customer-area cameras in the bundled
 * {@code config/demo-cameras.yaml}, used unless {@code cameras.file} is set.
 */
public final class SimulatedCameras {

  /** The bundled demo camera file, relative to the working directory or the installation. */
  public static final String FILE = "config/demo-cameras.yaml";

  private SimulatedCameras() {}

  /** {@code demo-camera-1} .. {@code demo-camera-n}. */
  public static List<String> ids(int n) {
    return java.util.stream.IntStream.rangeClosed(1, n).mapToObj(i -> "demo-camera-" + i).toList();
  }

  /** {@code settings} with the demo camera file, unless a camera file is set. */
  public static Settings withDemoCameras(Settings settings) {
    if (!settings.string("cameras.file", "").isBlank()) {
      return settings;
    }
    return settings.with(Map.of("cameras.file", FILE), "the demo's cameras (" + FILE + ")");
  }

  /**
   * Checks that every simulated camera will be analysed before anything starts.
   *
   * @throws IllegalArgumentException naming the first camera that would not be, why, and the file
   */
  public static void requireAnalysed(Settings settings, List<String> cameraIds) {
    try (CameraFileWatcher cameras = CameraFileWatcher.from(settings)) {
      CameraPolicies policies = cameras.get();
      for (String id : cameraIds) {
        Refusal refusal = policies.refusal(id);
        if (refusal != null) {
          throw new IllegalArgumentException("simulated camera " + id + " " + refusal.explanation() + " ("
              + policies.source() + ", setting cameras.file from " + settings.source("cameras.file")
              + "): declare it there, or simulate fewer cameras");
        }
      }
    }
  }
}
