package io.emotionstream.kafka.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Records of any schema for the compatibility tests, with a value in every field that differs from
 * its default (so a field that resolution lost or defaulted shows), and the check of a record a
 * reader schema decoded against the record the writer wrote.
 */
final class SampleRecords {

  private SampleRecords() {}

  /** A record of {@code schema} whose values depend on {@code seed} and each field's path. */
  static GenericRecord of(Schema schema, int seed) {
    return (GenericRecord) value(schema, schema.getName(), seed);
  }

  private static Object value(Schema s, String path, int seed) {
    int n = Math.floorMod((path + "#" + seed).hashCode(), 100_000) + 1;
    return switch (s.getType()) {
      case RECORD -> {
        GenericData.Record r = new GenericData.Record(s);
        for (Schema.Field f : s.getFields()) {
          r.put(f.name(), value(f.schema(), path + "." + f.name(), seed));
        }
        yield r;
      }
      case UNION -> {
        Schema branch = s.getTypes().stream().filter(t -> t.getType() != Schema.Type.NULL).findFirst()
            .orElse(s.getTypes().get(0));
        yield value(branch, path, seed);
      }
      case ARRAY -> List.of(value(s.getElementType(), path + "[0]", seed), value(s.getElementType(), path + "[1]", seed));
      case MAP -> {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("k-" + n, value(s.getValueType(), path + "{}", seed));
        yield m;
      }
      case ENUM -> new GenericData.EnumSymbol(s, s.getEnumSymbols().get(s.getEnumSymbols().size() - 1));
      case STRING -> path + "-" + seed;
      case BYTES -> ByteBuffer.wrap((path + seed).getBytes(StandardCharsets.UTF_8));
      case INT -> n;
      case LONG -> 1_700_000_000_000L + n;
      case FLOAT -> n / 8f;
      case DOUBLE -> n / 16d;
      case BOOLEAN -> true;
      case FIXED -> new GenericData.Fixed(s, new byte[s.getFixedSize()]);
      case NULL -> null;
    };
  }

  /**
   * Asserts that {@code decoded}, read with {@code reader} from data written with {@code writer}, holds
   * what Avro's resolution promises: the written value of every field both know, the reader's default
   * for every field the writer did not have.
   */
  static void assertResolved(Schema reader, Object decoded, Schema writer, Object written, String where) {
    switch (reader.getType()) {
      case UNION -> {
        if (written == null) {
          assertEquals(null, decoded, where);
          return;
        }
        Schema r = reader.getTypes().stream().filter(t -> t.getType() != Schema.Type.NULL).findFirst().orElseThrow();
        Schema w = writer.getType() == Schema.Type.UNION
            ? writer.getTypes().stream().filter(t -> t.getType() != Schema.Type.NULL).findFirst().orElseThrow() : writer;
        assertResolved(r, decoded, w, written, where);
      }
      case RECORD -> {
        GenericRecord d = (GenericRecord) decoded;
        GenericRecord wr = (GenericRecord) written;
        Schema w = writer.getType() == Schema.Type.UNION ? wr.getSchema() : writer;
        for (Schema.Field f : reader.getFields()) {
          Schema.Field wf = w.getField(f.name());
          if (wf == null) {
            for (String alias : f.aliases()) {
              wf = wf == null ? w.getField(alias) : wf;
            }
          }
          String at = where + "." + f.name();
          if (wf == null) {
            assertTrue(f.hasDefaultValue(), at + ": reader field without default and unknown to the writer");
            assertEquals(normal(GenericData.get().getDefaultValue(f)), normal(d.get(f.name())), at + " (default)");
          } else {
            assertResolved(f.schema(), d.get(f.name()), wf.schema(), wr.get(wf.name()), at);
          }
        }
      }
      case ARRAY -> {
        List<?> d = new ArrayList<>((Collection<?>) decoded);
        List<?> w = new ArrayList<>((Collection<?>) written);
        assertEquals(w.size(), d.size(), where + " (array size)");
        for (int i = 0; i < d.size(); i++) {
          assertResolved(reader.getElementType(), d.get(i), element(writer), w.get(i), where + "[" + i + "]");
        }
      }
      case MAP -> {
        Map<String, Object> d = strings((Map<?, ?>) decoded);
        Map<String, Object> w = strings((Map<?, ?>) written);
        assertEquals(w.keySet(), d.keySet(), where + " (map keys)");
        for (String k : d.keySet()) {
          assertResolved(reader.getValueType(), d.get(k), mapValue(writer), w.get(k), where + "{" + k + "}");
        }
      }
      default -> assertEquals(normal(written), normal(decoded), where);
    }
  }

  private static Schema element(Schema writer) {
    return writer.getType() == Schema.Type.UNION
        ? writer.getTypes().stream().filter(t -> t.getType() == Schema.Type.ARRAY).findFirst().orElseThrow().getElementType()
        : writer.getElementType();
  }

  private static Schema mapValue(Schema writer) {
    return writer.getType() == Schema.Type.UNION
        ? writer.getTypes().stream().filter(t -> t.getType() == Schema.Type.MAP).findFirst().orElseThrow().getValueType()
        : writer.getValueType();
  }

  private static Map<String, Object> strings(Map<?, ?> m) {
    Map<String, Object> out = new TreeMap<>();
    m.forEach((k, v) -> out.put(k.toString(), v));
    return out;
  }

  /** Strings, symbols and numbers compared by value whatever their Java type (Utf8, promotion). */
  private static Object normal(Object v) {
    if (v instanceof CharSequence || v instanceof GenericData.EnumSymbol) {
      return v.toString();
    }
    if (v instanceof Number n && !(v instanceof Double || v instanceof Float)) {
      return n.longValue();
    }
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new TreeMap<>();
      m.forEach((k, x) -> out.put(k.toString(), normal(x)));
      return out;
    }
    if (v instanceof Collection<?> c) {
      return c.stream().map(SampleRecords::normal).toList();
    }
    return v;
  }
}
