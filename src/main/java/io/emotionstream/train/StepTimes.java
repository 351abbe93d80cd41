package io.emotionstream.train;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the time of training steps goes, summed over steps: the benchmark prints it per step. The
 * engine's CPU operators run synchronously, so clock readings between calls split the work exactly.
 */
final class StepTimes {

  /** The phases of one step, in order. */
  enum Phase {
    /** Augmenting and encoding the batch (only where the caller prepares one; see {@link #addPrepare}). */
    PREPARE,
    /** Input copy, forward pass and loss. */
    FORWARD,
    BACKWARD,
    /** Reading the loss and the predicted classes. */
    OUTCOME,
    /** The optimiser update, gradient clearing included. */
    UPDATE,
    /** Freeing the step's arrays. */
    RELEASE
  }

  private final EnumMap<Phase, Long> nanos = new EnumMap<>(Phase.class);
  private int steps;

  /** One step: clock readings at the start of FORWARD, at its end, and at the end of each later phase. */
  void add(long[] clock) {
    Phase[] phases = {Phase.FORWARD, Phase.BACKWARD, Phase.OUTCOME, Phase.UPDATE, Phase.RELEASE};
    for (int i = 0; i < phases.length; i++) {
      nanos.merge(phases[i], clock[i + 1] - clock[i], Long::sum);
    }
    steps++;
  }

  void addPrepare(long elapsedNanos) {
    nanos.merge(Phase.PREPARE, elapsedNanos, Long::sum);
  }

  void reset() {
    nanos.clear();
    steps = 0;
  }

  /** Milliseconds per step of each phase that took any time, and their total. */
  Map<String, Double> millisPerStep() {
    Map<String, Double> out = new LinkedHashMap<>();
    long total = 0;
    for (Map.Entry<Phase, Long> e : nanos.entrySet()) {
      out.put(e.getKey().name().toLowerCase(java.util.Locale.ROOT), perStep(e.getValue()));
      total += e.getValue();
    }
    out.put("total", perStep(total));
    return out;
  }

  private double perStep(long sum) {
    return steps == 0 ? 0 : ConfusionMatrix.round(sum / 1e6 / steps);
  }
}
