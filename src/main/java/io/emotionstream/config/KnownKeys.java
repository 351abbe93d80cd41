package io.emotionstream.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * The keys a setting may have: every key of the bundled defaults ({@code config/emotion-stream.properties},
 * the one table of settings), plus any key under a pass-through prefix that the defaults declare in
 * {@value #PASS_THROUGH_KEY} (Kafka client settings under {@code kafka.}, per-site notice texts).
 * Anything else is a mistake; the nearest known key is suggested.
 */
final class KnownKeys {

  /** The bundled key that lists the pass-through prefixes, comma-separated. */
  static final String PASS_THROUGH_KEY = "settings.pass-through-prefixes";

  private final Set<String> keys;
  private final List<String> prefixes;

  private KnownKeys(Set<String> keys, List<String> prefixes) {
    this.keys = keys;
    this.prefixes = prefixes;
  }

  static KnownKeys from(Properties defaults) {
    List<String> prefixes = new ArrayList<>();
    for (String p : defaults.getProperty(PASS_THROUGH_KEY, "").split(",")) {
      if (!p.isBlank()) {
        prefixes.add(p.trim());
      }
    }
    return new KnownKeys(new TreeSet<>(defaults.stringPropertyNames()), List.copyOf(prefixes));
  }

  boolean known(String key) {
    if (keys.contains(key)) {
      return true;
    }
    for (String prefix : prefixes) {
      if (key.startsWith(prefix) && key.length() > prefix.length()) {
        return true;
      }
    }
    return false;
  }

  /** Empty for a known key, else the mistake: the key, where it came from, and the nearest known key. */
  Optional<String> check(String key, String source) {
    if (known(key)) {
      return Optional.empty();
    }
    String nearest = nearest(key, false);
    return Optional.of("unknown setting '" + key + "' in " + source
        + (nearest == null ? "" : " (did you mean '" + nearest + "'?)")
        + "; the settings are the keys of config/emotion-stream.properties, plus keys starting with "
        + String.join(", ", prefixes));
  }

  /** The mistake of an {@code EMOTION_STREAM_*} variable that names no setting. */
  String unknownVariable(String var) {
    String nearest = nearest(var, true);
    return "unknown environment variable " + var + ": it names no setting"
        + (nearest == null ? "" : " (did you mean " + Settings.envName(nearest) + ", setting '" + nearest + "'?)")
        + "; per-site and other pass-through keys go into a --config file";
  }

  /**
   * The known key closest to {@code wrong} by edit distance (compared as variable names when
   * {@code asVariable}), or null when none is near: at most a third of the name's length, and at
   * least 3 edits allowed (a missing "-ms" suffix).
   */
  String nearest(String wrong, boolean asVariable) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String key : keys) {
      if (key.equals(PASS_THROUGH_KEY)) {
        continue;
      }
      String candidate = asVariable ? Settings.envName(key) : key;
      int d = distance(wrong.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
      if (d < bestDistance) {
        bestDistance = d;
        best = key;
      }
    }
    return bestDistance <= Math.max(3, wrong.length() / 3) ? best : null;
  }

  /** Levenshtein distance, with a swap of two neighbours counted as one edit. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
