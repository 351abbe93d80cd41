package io.emotionstream.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.config.Settings;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetentionPolicyTest {

  @Test
  void rawFramesAreKeptShortestAndTheAuditLongest() {
    RetentionPolicy r = RetentionPolicy.from(Settings.defaults());
    assertEquals(3_600_000L, r.framesMs());
    assertTrue(r.framesMs() < r.eventsMs() && r.framesMs() < r.deadLetterMs());
    assertEquals(-1L, r.auditMs());
  }

  @Test
  void segmentsRollOftenEnoughForRetentionToAct() {
    assertEquals(600_000L, RetentionPolicy.segmentMs(3_600_000L));
    assertEquals(60_000L, RetentionPolicy.segmentMs(60_000L));
    assertEquals(86_400_000L, RetentionPolicy.segmentMs(400L * 86_400_000L));
    assertNull(RetentionPolicy.segmentMs(-1));
  }

  @Test
  void tooShortAValueIsAnErrorNamingTheKey() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RetentionPolicy.from(
        Settings.defaults().with(Map.of("retention.frames-ms", "5"), "--set retention.frames-ms")));
    assertTrue(e.getMessage().contains("retention.frames-ms") && e.getMessage().contains("--set"), e.getMessage());
  }

  @Test
  void theReadmeDocumentsEveryDefault() throws Exception {
    String readme = java.nio.file.Files.readString(java.nio.file.Path.of("README.md"));
    Settings defaults = Settings.defaults();
    for (String key : RetentionPolicy.KEYS) {
      java.util.regex.Matcher row = java.util.regex.Pattern.compile("(?m)^\\| [^|]+ \\| `" + java.util.regex.Pattern.quote(key)
          + "` \\| ([^|]+) \\|").matcher(readme);
      assertTrue(row.find(), key + " has a row in the README's retention table");
      assertEquals(RetentionPolicy.describe(defaults.longValue(key)), row.group(1).trim(), key);
    }
  }

  @Test
  void describesDurationsInWords() {
    assertEquals("1 hour", RetentionPolicy.describe(3_600_000L));
    assertEquals("3 days", RetentionPolicy.describe(3L * 86_400_000L));
    assertEquals("90 minutes", RetentionPolicy.describe(5_400_000L));
    assertEquals("unlimited", RetentionPolicy.describe(-1));
  }
}
