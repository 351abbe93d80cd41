package io.emotionstream.train;

import ai.djl.training.tracker.Tracker;

/**
 * The learning rate per optimiser update: a linear warm-up over the first {@code warmupSteps}, then
 * one of cosine decay to {@code minLr} at {@code totalSteps}, a step decay (times {@code gamma} every
 * {@code stepSteps}), a constant, or "on plateau" (times {@code gamma} whenever validation accuracy
 * has not improved for {@code patience} epochs, fed through {@link #onValidation}).
 *
 * <p>One tracker for all four because DJL's own trackers cannot react to validation results and
 * because this one's whole state (the plateau scale) is three numbers a checkpoint can save; the
 * step position comes from the optimiser's update count, restored with
 * {@code optBeginNumUpdate} on resume.
 */
public final class LearningRateSchedule implements Tracker {

  /** The shape after warm-up. */
  public enum Kind { COSINE, STEP, PLATEAU, CONSTANT }

  private final Kind kind;
  private final float baseLr;
  private final float minLr;
  private final int warmupSteps;
  private final int totalSteps;
  private final int stepSteps;
  private final float gamma;
  private final int patience;
  private float plateauScale = 1f;
  private double bestValidation = Double.NEGATIVE_INFINITY;
  private int epochsWithoutImprovement;

  /**
   * @param stepSteps updates between decays for {@link Kind#STEP}
   * @param gamma decay factor for {@link Kind#STEP} and {@link Kind#PLATEAU}
   * @param patience epochs without improvement before a {@link Kind#PLATEAU} decay
   */
  public LearningRateSchedule(Kind kind, float baseLr, float minLr, int warmupSteps, int totalSteps,
      int stepSteps, float gamma, int patience) {
    if (!(baseLr > 0) || minLr < 0 || minLr > baseLr) {
      throw new IllegalArgumentException("learning rate must be positive and min-lr within [0, lr]: " + baseLr
          + ", " + minLr);
    }
    if (!(gamma > 0 && gamma <= 1)) {
      throw new IllegalArgumentException("lr decay factor must be within (0, 1]: " + gamma);
    }
    this.kind = kind;
    this.baseLr = baseLr;
    this.minLr = minLr;
    this.warmupSteps = Math.max(0, warmupSteps);
    this.totalSteps = Math.max(1, totalSteps);
    this.stepSteps = Math.max(1, stepSteps);
    this.gamma = gamma;
    this.patience = Math.max(0, patience);
  }

  @Override
  public float getNewValue(int numUpdate) {
    if (numUpdate < warmupSteps) {
      return baseLr * (numUpdate + 1) / warmupSteps;
    }
    int t = numUpdate - warmupSteps;
    return switch (kind) {
      case CONSTANT -> baseLr;
      case STEP -> baseLr * (float) Math.pow(gamma, t / stepSteps);
      case PLATEAU -> baseLr * plateauScale;
      case COSINE -> {
        double progress = Math.min(1.0, (double) t / Math.max(1, totalSteps - warmupSteps));
        yield (float) (minLr + (baseLr - minLr) * 0.5 * (1 + Math.cos(Math.PI * progress)));
      }
    };
  }

  /** Feeds one epoch's validation accuracy (used by {@link Kind#PLATEAU}). */
  public void onValidation(double accuracy) {
    if (accuracy > bestValidation + 1e-4) {
      bestValidation = accuracy;
      epochsWithoutImprovement = 0;
    } else if (++epochsWithoutImprovement > patience && kind == Kind.PLATEAU) {
      plateauScale *= gamma;
      epochsWithoutImprovement = 0;
    }
  }

  /** What a checkpoint saves. */
  public State state() {
    return new State(plateauScale, bestValidation == Double.NEGATIVE_INFINITY ? -1 : bestValidation,
        epochsWithoutImprovement);
  }

  public void restore(State state) {
    plateauScale = state.plateauScale();
    bestValidation = state.bestValidation() < 0 ? Double.NEGATIVE_INFINITY : state.bestValidation();
    epochsWithoutImprovement = state.epochsWithoutImprovement();
  }

  /** The mutable part of the schedule. */
  public record State(float plateauScale, double bestValidation, int epochsWithoutImprovement) {}
}
