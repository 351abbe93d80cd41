package io.emotionstream.emotion;

import java.util.List;

/**
 * The classifier's answer for one face.
 *
 * @param labels every label, in the model's output order
 * @param probabilities one probability per label, same order; they sum to 1
 * @param modelName the model that produced it
 * @param modelVersion the version of that model
 */
public record EmotionPrediction(
    List<String> labels, float[] probabilities, String modelName, String modelVersion) {

  public EmotionPrediction {
    labels = List.copyOf(labels);
    if (probabilities.length != labels.size()) {
      throw new IllegalArgumentException(
          probabilities.length + " probabilities for " + labels.size() + " labels");
    }
    probabilities = probabilities.clone();
  }

  /** Index of the most probable label. */
  public int best() {
    int best = 0;
    for (int i = 1; i < probabilities.length; i++) {
      if (probabilities[i] > probabilities[best]) {
        best = i;
      }
    }
    return best;
  }

  /** The most probable label. */
  public String label() {
    return labels.get(best());
  }

  @Override
  public float[] probabilities() {
    return probabilities.clone();
  }
}
