package io.emotionstream.train;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The FER2013 classes and the label spellings other models use for the same emotions, so that a
 * dataset and a model can be matched by name ({@code fear} in FER2013 is {@code fearful} in
 * face-api, for instance).
 */
public final class EmotionLabels {

  /** FER2013 classes in the order of the CSV's {@code emotion} column (0 to 6). */
  public static final List<String> FER2013 =
      List.of("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral");

  private static final Map<String, String> ALIASES = Map.of(
      "anger", "angry",
      "disgusted", "disgust",
      "fearful", "fear",
      "happiness", "happy",
      "sadness", "sad",
      "surprised", "surprise");

  private EmotionLabels() {}

  /** Lower-case name with synonyms folded onto the FER2013 spelling. */
  public static String canonical(String label) {
    String l = label.trim().toLowerCase(Locale.ROOT);
    return ALIASES.getOrDefault(l, l);
  }
}
