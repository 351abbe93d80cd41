package io.emotionstream.kafka.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.emotionstream.schema.AuditRecord;
import io.emotionstream.schema.CameraFrame;
import io.emotionstream.schema.EmotionStats;
import io.emotionstream.schema.FaceEmotion;
import io.emotionstream.schema.FaceTrack;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/**
 * What the processor publishes cannot hold a face: no record written to the events, tracks, stats
 * or audit topics has a field of bytes (pixels, an encoded image) or a list of numbers (a face
 * embedding or a pixel row), at any depth. Numbers come one per field, or one per label
 * ({@code LabelScore}) or landmark ({@code Point}).
 */
class OutputSchemasCarryNoPixelsTest {

  @Test
  void outputRecordsHaveNoBytesAndNoListsOfNumbers() {
    for (Schema schema : List.of(FaceEmotion.getClassSchema(), FaceTrack.getClassSchema(),
        EmotionStats.getClassSchema(), AuditRecord.getClassSchema())) {
      List<String> found = new ArrayList<>();
      walk(schema, schema.getName(), found, new HashSet<>());
      assertEquals(List.of(), found, schema.getName() + " could carry pixels or embeddings");
    }
  }

  @Test
  void theCheckFindsTheImageOfAFrame() {
    List<String> found = new ArrayList<>();
    walk(CameraFrame.getClassSchema(), "CameraFrame", found, new HashSet<>());
    assertTrue(found.contains("CameraFrame.image: BYTES"), found.toString());
  }

  private static void walk(Schema s, String path, List<String> found, Set<String> seen) {
    switch (s.getType()) {
      case RECORD -> {
        if (!seen.add(s.getFullName())) {
          return;
        }
        for (Schema.Field f : s.getFields()) {
          walk(f.schema(), path + "." + f.name(), found, seen);
        }
      }
      case UNION -> s.getTypes().forEach(t -> walk(t, path, found, seen));
      case MAP -> walk(s.getValueType(), path + "{}", found, seen);
      case ARRAY -> {
        Schema.Type item = s.getElementType().getType();
        if (item == Schema.Type.FLOAT || item == Schema.Type.DOUBLE || item == Schema.Type.INT
            || item == Schema.Type.LONG || item == Schema.Type.BYTES) {
          found.add(path + ": array of " + item);
        }
        walk(s.getElementType(), path + "[]", found, seen);
      }
      case BYTES, FIXED -> found.add(path + ": " + s.getType());
      default -> {
        // one number, string, boolean or enum per field
      }
    }
  }
}
