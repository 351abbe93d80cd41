package io.emotionstream.detect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Faces found by an independent reference MTCNN (facenet-pytorch, the same weights). */
final class ReferenceFaces {

  /** One reference face: box x1,y1,x2,y2, probability, landmarks x,y pairs. */
  record Face(float[] box, float prob, float[] landmarks) {}

  private ReferenceFaces() {}

  /** Reads the tab-separated resource: file, x1, y1, x2, y2, prob, 10 landmark numbers. */
  static Map<String, List<Face>> fromTsv(String resource) throws IOException {
    Map<String, List<Face>> faces = new LinkedHashMap<>();
    try (InputStream in = ReferenceFaces.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("test resource " + resource + " missing");
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line; (line = r.readLine()) != null; ) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] f = line.split("\t");
        float[] v = new float[f.length - 1];
        for (int i = 1; i < f.length; i++) {
          v[i - 1] = Float.parseFloat(f[i]);
        }
        faces.computeIfAbsent(f[0], k -> new ArrayList<>()).add(new Face(
            java.util.Arrays.copyOfRange(v, 0, 4), v[4], java.util.Arrays.copyOfRange(v, 5, 15)));
      }
    }
    return faces;
  }

  private static final Pattern SECTION = Pattern.compile("^### `([^`]+)`");
  private static final Pattern ROW = Pattern.compile("^\\| *\\d+ *\\|([^|]+)\\|([^|]+)\\|([^|]+)\\|");

  /**
   * Parses the markdown tables of a REFERENCE.md: a {@code ### `file`} heading, then rows
   * {@code | # | x1, y1, x2, y2 | prob | x,y; x,y; ... |}. Only sections whose file exists next to
   * the markdown file are returned.
   */
  static Map<String, List<Face>> fromMarkdown(Path markdown) throws IOException {
    Map<String, List<Face>> faces = new LinkedHashMap<>();
    String current = null;
    for (String line : Files.readAllLines(markdown)) {
      Matcher s = SECTION.matcher(line);
      if (s.find()) {
        current = Files.isRegularFile(markdown.resolveSibling(s.group(1))) ? s.group(1) : null;
        if (current != null) {
          faces.put(current, new ArrayList<>());
        }
        continue;
      }
      Matcher m = ROW.matcher(line);
      if (current != null && m.find()) {
        faces.get(current).add(new Face(numbers(m.group(1), 4), Float.parseFloat(m.group(2).trim()),
            numbers(m.group(3), 10)));
      }
    }
    return faces;
  }

  /**
   * Reads a reference_detections.json: an array of {@code {"file", "width", "height", "faces":
   * [{"box": [x1, y1, x2, y2], "prob", "landmarks": [[x, y] x 5]}]}}, file names relative to
   * {@code root}. Only entries whose file exists under {@code root} are returned.
   *
   * @throws IOException when the file is not such an array (the message names the file and entry)
   */
  static Map<String, List<Face>> fromJson(Path json, Path root) throws IOException {
    JsonNode entries = new ObjectMapper().readTree(json.toFile());
    if (entries == null || !entries.isArray()) {
      throw new IOException(json + ": expected a JSON array of detections per file");
    }
    Map<String, List<Face>> faces = new LinkedHashMap<>();
    for (JsonNode entry : entries) {
      String file = entry.path("file").asText(null);
      if (file == null || !entry.path("faces").isArray()) {
        throw new IOException(json + ": entry without 'file' or 'faces': " + entry);
      }
      if (!Files.isRegularFile(root.resolve(file))) {
        continue;
      }
      List<Face> list = new ArrayList<>();
      for (JsonNode f : entry.get("faces")) {
        float[] box = floats(f.path("box"), 4, json, file);
        float[] landmarks = new float[10];
        JsonNode points = f.path("landmarks");
        if (!points.isArray() || points.size() != 5) {
          throw new IOException(json + ": " + file + ": 'landmarks' must hold 5 points");
        }
        for (int i = 0; i < 5; i++) {
          float[] xy = floats(points.get(i), 2, json, file);
          landmarks[2 * i] = xy[0];
          landmarks[2 * i + 1] = xy[1];
        }
        list.add(new Face(box, (float) f.path("prob").asDouble(Double.NaN), landmarks));
      }
      faces.put(file, list);
    }
    return faces;
  }

  private static float[] floats(JsonNode array, int count, Path json, String file) throws IOException {
    if (!array.isArray() || array.size() != count) {
      throw new IOException(json + ": " + file + ": expected " + count + " numbers, got " + array);
    }
    float[] out = new float[count];
    for (int i = 0; i < count; i++) {
      out[i] = (float) array.get(i).asDouble();
    }
    return out;
  }

  private static float[] numbers(String text, int count) {
    String[] parts = text.trim().split("[,;]\\s*");
    if (parts.length != count) {
      throw new IllegalArgumentException("expected " + count + " numbers in '" + text + "'");
    }
    float[] out = new float[count];
    for (int i = 0; i < count; i++) {
      out[i] = Float.parseFloat(parts[i].trim());
    }
    return out;
  }
}
