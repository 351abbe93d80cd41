package io.emotionstream.kafka.serde;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * The compatibility levels of schema registries ({@code schema.compatibility}), with the same
 * meaning: BACKWARD = the new schema reads data of the previous one, FORWARD = the previous one reads
 * the new schema's data, FULL = both; {@code _TRANSITIVE} = against every earlier version, not only
 * the latest. The registry wire format hands the level to the registry; the embedded one checks it
 * here against the versions on the schemas topic.
 */
public enum CompatibilityLevel {
  NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE;

  /** Parses a setting value; empty or blank gives null (leave the registry's level as it is). */
  public static CompatibilityLevel parse(String value, String key, String source) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("setting '" + key + "' = '" + value + "' from " + source
          + " is not one of " + java.util.Arrays.toString(values()) + " (or empty)");
    }
  }

  private boolean backward() {
    return this == BACKWARD || this == BACKWARD_TRANSITIVE || this == FULL || this == FULL_TRANSITIVE;
  }

  private boolean forward() {
    return this == FORWARD || this == FORWARD_TRANSITIVE || this == FULL || this == FULL_TRANSITIVE;
  }

  private boolean transitive() {
    return name().endsWith("_TRANSITIVE");
  }

  /**
   * Why {@code candidate} may not follow {@code earlier} (oldest first) at this level; empty when it may.
   * Each entry names the earlier version (1-based position) and Avro's reason.
   */
  public List<String> problems(Schema candidate, List<Schema> earlier) {
    List<String> problems = new ArrayList<>();
    if (this == NONE || earlier.isEmpty()) {
      return problems;
    }
    int from = transitive() ? 0 : earlier.size() - 1;
    for (int i = from; i < earlier.size(); i++) {
      Schema old = earlier.get(i);
      if (backward()) {
        SchemaPairCompatibility c = SchemaCompatibility.checkReaderWriterCompatibility(candidate, old);
        if (c.getType() != SchemaCompatibilityType.COMPATIBLE) {
          problems.add("cannot read data written with version " + (i + 1) + ": " + describe(c));
        }
      }
      if (forward()) {
        SchemaPairCompatibility c = SchemaCompatibility.checkReaderWriterCompatibility(old, candidate);
        if (c.getType() != SchemaCompatibilityType.COMPATIBLE) {
          problems.add("writes data that version " + (i + 1) + " cannot read: " + describe(c));
        }
      }
    }
    return problems;
  }

  private static String describe(SchemaPairCompatibility c) {
    return c.getResult().getIncompatibilities().stream()
        .map(i -> i.getType() + " at " + i.getLocation() + " (" + i.getMessage() + ")")
        .reduce((a, b) -> a + "; " + b).orElse(c.getDescription());
  }
}
