package io.emotionstream.stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Per-camera counters with a bounded number of cameras: camera ids come from producers, and every
 * id used to become a {@code camera} label for good (three bursts of 5,000 new ids left 9,766 series
 * on {@code /metrics}, 183 KB grew to 1.37 MB).
 *
 * <p>At most {@code metrics.cameras.max} cameras have series of their own, given out first come;
 * the counts of every other camera go to {@code camera="other"}. A camera with no count for
 * {@code metrics.cameras.idle-ms} loses its series (removed from the registry) and its place, so
 * the places follow the cameras that are active. Frames of camera ids the camera file does not list
 * are counted under {@code camera="unlisted"} and never take a place (their ids are in the log).
 * Prometheus sees a removed series that comes back as a counter reset, which {@code rate()} and
 * {@code increase()} handle.
 *
 * <p>Thread-safe.
 */
final class CameraMeters {

  /** The label of the cameras beyond the limit. */
  static final String OTHER = "other";
  /** The label of camera ids the camera file does not list. */
  static final String UNLISTED = "unlisted";

  /**
   * @param maxCameras cameras with series of their own ({@code metrics.cameras.max})
   * @param idle how long a camera without counts keeps them ({@code metrics.cameras.idle-ms})
   */
  record Limits(int maxCameras, Duration idle) {
    Limits {
      if (maxCameras < 0 || idle.isNegative() || idle.isZero()) {
        throw new IllegalArgumentException("metrics.cameras.max must not be negative and metrics.cameras.idle-ms"
            + " must be positive: " + maxCameras + ", " + idle.toMillis());
      }
    }

    /** The bundled defaults. */
    static Limits defaults() {
      return new Limits(200, Duration.ofMinutes(15));
    }
  }

  private final MeterRegistry registry;
  private final Limits limits;
  private final LongSupplier clock;
  private final Map<String, Place> places = new HashMap<>();
  private final Map<String, Counter> shared = new HashMap<>();
  private long lastSweep;

  /** A camera's place: its series, and when it last counted. */
  private static final class Place {
    final Map<String, Counter> counters = new HashMap<>();
    long lastUsed;
  }

  CameraMeters(MeterRegistry registry, Limits limits, LongSupplier clock) {
    this.registry = registry;
    this.limits = limits;
    this.clock = clock;
  }

  /**
   * The counter {@code name} of {@code camera} with the tags {@code extra} (key, value, ...), or of
   * {@link #OTHER} when the camera has no place and none is free.
   */
  synchronized Counter counter(String name, String description, String camera, String... extra) {
    long now = clock.getAsLong();
    sweep(now);
    String key = name + '\n' + String.join("\n", extra);
    Place place = places.get(camera);
    if (place == null && places.size() < limits.maxCameras()) {
      place = new Place();
      places.put(camera, place);
    }
    if (place == null) {
      return shared.computeIfAbsent(OTHER + '\n' + key, k -> build(name, description, OTHER, extra));
    }
    place.lastUsed = now;
    return place.counters.computeIfAbsent(key, k -> build(name, description, camera, extra));
  }

  /** The counter {@code name} of the camera ids the camera file does not list. */
  synchronized Counter unlisted(String name, String description, String... extra) {
    return shared.computeIfAbsent(UNLISTED + '\n' + name + '\n' + String.join("\n", extra),
        k -> build(name, description, UNLISTED, extra));
  }

  /** Cameras with series of their own now. */
  synchronized int cameras() {
    return places.size();
  }

  private Counter build(String name, String description, String camera, String... extra) {
    Counter.Builder b = Counter.builder(name).description(description).tag("camera", camera);
    for (int i = 0; i + 1 < extra.length; i += 2) {
      b.tag(extra[i], extra[i + 1]);
    }
    return b.register(registry);
  }

  /** At most once a second: cameras idle for longer than the limit lose their series and places. */
  private void sweep(long now) {
    if (now - lastSweep < 1000) {
      return;
    }
    lastSweep = now;
    long idle = limits.idle().toMillis();
    List<Meter> removed = new ArrayList<>();
    for (Iterator<Place> it = places.values().iterator(); it.hasNext(); ) {
      Place place = it.next();
      if (now - place.lastUsed > idle) {
        removed.addAll(place.counters.values());
        it.remove();
      }
    }
    removed.forEach(registry::remove);
  }
}
