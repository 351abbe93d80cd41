package io.emotionstream.kafka.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.emotionstream.schema.CameraFrame;
import io.emotionstream.schema.EmotionStats;
import io.emotionstream.schema.FaceEmotion;
import io.emotionstream.schema.ModelRelease;
import java.io.InputStream;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;

/**
 * The compatibility rule of the README: every released schema version (kept under
 * src/test/resources/schemas/vN) stays readable by the current schema and can read records the
 * current schema writes (full compatibility), i.e. fields are only added, with defaults.
 */
class SchemaCompatibilityTest {

  private static final List<String> RELEASES = List.of("v1");

  @Test
  void currentSchemasAreFullyCompatibleWithEveryRelease() throws Exception {
    for (Class<?> type : List.of(CameraFrame.class, FaceEmotion.class, ModelRelease.class, EmotionStats.class)) {
      Schema current = SpecificData.get().getSchema(type);
      for (String release : RELEASES) {
        Schema old;
        try (InputStream in = getClass().getResourceAsStream("/schemas/" + release + "/" + type.getSimpleName() + ".avsc")) {
          old = new Schema.Parser().parse(in);
        }
        assertEquals(SchemaCompatibilityType.COMPATIBLE,
            SchemaCompatibility.checkReaderWriterCompatibility(current, old).getType(),
            type.getSimpleName() + " cannot read records written with " + release);
        assertEquals(SchemaCompatibilityType.COMPATIBLE,
            SchemaCompatibility.checkReaderWriterCompatibility(old, current).getType(),
            type.getSimpleName() + " writes records that " + release + " readers cannot read");
      }
    }
  }
}
