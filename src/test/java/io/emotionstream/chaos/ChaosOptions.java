package io.emotionstream.chaos;

import java.time.Duration;
import java.util.List;

/**
 * How hard a chaos run shakes the processor. Read from system properties so that
 * {@code scripts/chaos.sh} can run longer than the integration test:
 * {@code chaos.seed}, {@code chaos.guarantees}, {@code chaos.kills}, {@code chaos.minutes},
 * {@code chaos.cameras}, {@code chaos.fps}, {@code chaos.photo-width}.
 *
 * @param kills       SIGKILLs of the single instance per cycle (a cycle adds a broker restart and a
 *                    kill in a two-instance group)
 * @param minutes     cycles repeat until this much time has passed; 0 = one cycle
 * @param fps         frames per second per camera
 */
record ChaosOptions(long seed, List<String> guarantees, int kills, double minutes, int cameras, double fps,
    int photoWidth) {

  static ChaosOptions fromSystemProperties() {
    String seed = System.getProperty("chaos.seed", "");
    return new ChaosOptions(
        seed.isBlank() ? System.nanoTime() : Long.parseLong(seed.trim()),
        List.of(System.getProperty("chaos.guarantees", "exactly_once_v2,at_least_once").split("\\s*,\\s*")),
        Integer.getInteger("chaos.kills", 3),
        Double.parseDouble(System.getProperty("chaos.minutes", "0")),
        Integer.getInteger("chaos.cameras", 4),
        Double.parseDouble(System.getProperty("chaos.fps", "0.25")),
        Integer.getInteger("chaos.photo-width", 480));
  }

  Duration duration() {
    return Duration.ofMillis((long) (minutes * 60_000));
  }
}
