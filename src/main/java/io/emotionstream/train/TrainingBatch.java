package io.emotionstream.train;

import java.util.SplittableRandom;

/**
 * One training batch as the step takes it: the samples at {@code order[first..first+size)},
 * augmented with draws keyed by (seed, epoch, sample) and encoded, with (label-smoothed) target
 * probabilities. Shared by {@link TrainingRun} and {@link TrainingThroughput}, so the benchmark's
 * pipeline figure times the job's own preparation.
 *
 * @param inputs {@code size x channels x side x side} floats
 * @param targets {@code size x classes} target probabilities
 * @param truth the class index of each sample
 */
record TrainingBatch(int size, float[] inputs, float[] targets, int[] truth) {

  /**
   * @param smoothing label smoothing: the true class gets {@code 1 - smoothing + smoothing / classes},
   *     every other class {@code smoothing / classes}
   */
  static TrainingBatch prepare(LabelledFaces faces, int[] order, int first, int size, InputEncoder encoder,
      Augmentation augmentation, long seed, int epoch, float smoothing) {
    return prepare(faces, order, first, size, encoder, augmentation, seed, epoch, smoothing, 0);
  }

  /**
   * @param softWeight share of a sample's own distribution ({@link LabelledFaces#distribution}, the
   *     FER+ votes) in its target: {@code (1 - softWeight) * smoothed label + softWeight * votes};
   *     samples without one keep the smoothed label
   */
  static TrainingBatch prepare(LabelledFaces faces, int[] order, int first, int size, InputEncoder encoder,
      Augmentation augmentation, long seed, int epoch, float smoothing, float softWeight) {
    int classes = faces.classes().size();
    int len = encoder.sampleLength();
    float off = smoothing / classes;
    float on = 1 - smoothing + off;
    float[] x = new float[size * len];
    float[] y = new float[size * classes];
    int[] truth = new int[size];
    for (int i = 0; i < size; i++) {
      int sample = order[first + i];
      Augmentation.Draw draw = augmentation.isNone() ? Augmentation.Draw.IDENTITY
          : augmentation.draw(new SplittableRandom(Seeds.mix(seed, Seeds.AUGMENT, epoch, sample)));
      encoder.encode(faces.image(sample), draw, x, i * len);
      truth[i] = faces.label(sample);
      float[] votes = softWeight > 0 ? faces.distribution(sample) : null;
      for (int c = 0; c < classes; c++) {
        float hard = c == truth[i] ? on : off;
        y[i * classes + c] = votes == null ? hard : (1 - softWeight) * hard + softWeight * votes[c];
      }
    }
    return new TrainingBatch(size, x, y, truth);
  }
}
