package io.emotionstream.policy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads the camera file (YAML) into {@link CameraPolicies}:
 *
 * <pre>
 * cameras:
 *   - id: entrance
 *     site: store-12
 *     emotion: true                # opt-in; absent or false: not analysed
 *     context: customer-area       # customer-area, public-space, staff-area, workplace, education
 *     purpose: mood at the entrance per hour, to staff the greeting desk
 *     masks:                       # faces whose box centre lies inside are dropped before classification
 *       - [[0.0, 0.55], [0.35, 0.55], [0.35, 1.0], [0.0, 1.0]]
 *     zones:                       # faces counted separately per zone
 *       queue: [[0.5, 0.0], [1.0, 0.0], [1.0, 1.0], [0.5, 1.0]]
 *     url: rtsp://10.0.0.7/stream1 # a key of ingest: accepted, ignored here
 * </pre>
 *
 * <p>Polygon corners are fractions of the frame ({@link Polygon}). A camera with
 * {@code emotion: true} must give its {@code context} and {@code purpose}; a prohibited context
 * is accepted and refused at run time unless an {@code exemption} (reason {@code medical} or
 * {@code safety}, with a {@code justification}) is given. The keys of {@code ingest}
 * ({@link CameraFileKeys#INGEST_KEYS}) are accepted and ignored; any other key is an error naming
 * the key, the camera and the file.
 */
public final class CameraFile {

  private static final Pattern ZONE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private CameraFile() {}

  /**
   * @throws CameraFileException naming the file (and camera, key) when it cannot be read or used
   */
  public static CameraPolicies read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new CameraFileException("cannot read camera file " + file + ": " + e, e);
    }
    return parse(new String(bytes, StandardCharsets.UTF_8), file.toString());
  }

  /**
   * @param origin the file name used in error messages and in {@link CameraPolicies#source()}
   * @throws CameraFileException naming {@code origin} (and camera, key) when the text cannot be used
   */
  public static CameraPolicies parse(String yaml, String origin) {
    ObjectMapper mapper = new ObjectMapper(new YAMLFactory());
    mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    JsonNode root;
    try {
      root = mapper.readTree(yaml);
    } catch (JsonProcessingException e) {
      throw new CameraFileException("camera file " + origin + " is not valid YAML: " + e.getOriginalMessage()
          + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"), e);
    }
    if (root == null || root.isMissingNode() || root.isNull() || !root.isObject()) {
      throw new CameraFileException("camera file " + origin + " must be a map with a top-level '"
          + CameraFileKeys.CAMERAS + ":' list");
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!CameraFileKeys.TOP_LEVEL_KEYS.contains(key)) {
        throw new CameraFileException("camera file " + origin + ": unknown top-level key '" + key
            + "' (expected '" + CameraFileKeys.CAMERAS + ":' and optionally '" + CameraFileKeys.DEFAULTS + ":')");
      }
    }
    JsonNode shared = root.get(CameraFileKeys.DEFAULTS);
    if (shared != null && !shared.isNull() && !shared.isObject()) {
      throw new CameraFileException("camera file " + origin + ": '" + CameraFileKeys.DEFAULTS
          + ":' must be a map of camera keys");
    }
    if (shared != null && (shared.has("id") || shared.has("url"))) {
      throw new CameraFileException("camera file " + origin + ": '" + CameraFileKeys.DEFAULTS
          + ":' cannot hold 'id' or 'url'");
    }
    JsonNode list = root.get(CameraFileKeys.CAMERAS);
    if (list == null) {
      throw new CameraFileException("camera file " + origin + " has no top-level '" + CameraFileKeys.CAMERAS
          + ":' list");
    }
    Map<String, CameraPolicy> cameras = new LinkedHashMap<>();
    if (list.isNull()) {
      return new CameraPolicies(origin, yaml, cameras);
    }
    if (!list.isArray()) {
      throw new CameraFileException("camera file " + origin + ": '" + CameraFileKeys.CAMERAS
          + ":' must be a list of cameras");
    }
    int position = 0;
    for (JsonNode entry : list) {
      position++;
      CameraPolicy policy = camera(withDefaults(entry, shared), origin, position);
      if (cameras.containsKey(policy.id())) {
        throw new CameraFileException("camera file " + origin + ": camera '" + policy.id()
            + "' is listed twice (entry " + position + ")");
      }
      cameras.put(policy.id(), policy);
    }
    return new CameraPolicies(origin, yaml, cameras);
  }

  /** The camera's own keys over the file's {@code defaults:} (the camera's value wins). */
  private static JsonNode withDefaults(JsonNode entry, JsonNode shared) {
    if (shared == null || shared.isNull() || !entry.isObject()) {
      return entry;
    }
    com.fasterxml.jackson.databind.node.ObjectNode merged = shared.deepCopy();
    merged.setAll((com.fasterxml.jackson.databind.node.ObjectNode) entry);
    return merged;
  }

  private static CameraPolicy camera(JsonNode entry, String origin, int position) {
    String where = "camera file " + origin + ", entry " + position;
    if (!entry.isObject()) {
      throw new CameraFileException(where + ": a camera must be a map of keys, got " + entry.getNodeType());
    }
    JsonNode idNode = entry.get("id");
    if (idNode == null || !idNode.isValueNode() || idNode.isNull() || idNode.asText().isBlank()) {
      throw new CameraFileException(where + ": the camera has no 'id'");
    }
    String id = idNode.asText().trim();
    String invalid = CameraIds.problem(id);
    if (invalid != null) {
      // frames of such an id are dead-lettered: a camera listed under it could never be analysed
      throw new CameraFileException(where + ": " + invalid + " (camera ids: 1 to " + CameraIds.MAX_LENGTH
          + " characters of A-Z a-z 0-9 . _ : -, starting with a letter or digit)");
    }
    String at = "camera file " + origin + ", camera '" + id + "'";
    for (Iterator<String> it = entry.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!CameraFileKeys.isCameraKey(key)) {
        throw new CameraFileException(at + ": unknown key '" + key + "' (policy keys: "
            + String.join(", ", CameraFileKeys.POLICY_KEYS) + "; ingest keys: "
            + String.join(", ", CameraFileKeys.INGEST_KEYS) + ")");
      }
    }
    boolean emotion = false;
    JsonNode e = entry.get("emotion");
    if (e != null && !e.isNull()) {
      if (!e.isBoolean()) {
        throw new CameraFileException(at + ": 'emotion' must be true or false, got '" + e.asText() + "'");
      }
      emotion = e.booleanValue();
    }
    CameraContext context = null;
    String contextText = text(entry, "context", at);
    if (contextText != null) {
      try {
        context = CameraContext.parse(contextText);
      } catch (IllegalArgumentException ex) {
        throw new CameraFileException(at + ": " + ex.getMessage(), ex);
      }
    }
    String purpose = text(entry, "purpose", at);
    if (emotion && context == null) {
      throw new CameraFileException(at + ": 'emotion: true' needs the camera's 'context' (one of "
          + CameraContext.codes() + ")");
    }
    if (emotion && purpose == null) {
      throw new CameraFileException(at + ": 'emotion: true' needs the camera's 'purpose' (why its emotions are"
          + " inferred)");
    }
    return new CameraPolicy(id, text(entry, "site", at), text(entry, "zone", at), emotion, context, purpose,
        exemption(entry.get("exemption"), at), masks(entry.get("masks"), at), zones(entry.get("zones"), at));
  }

  private static String text(JsonNode entry, String key, String at) {
    JsonNode node = entry.get(key);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isValueNode()) {
      throw new CameraFileException(at + ": '" + key + "' must be text, got " + node.getNodeType());
    }
    String value = node.asText().trim();
    return value.isEmpty() ? null : value;
  }

  private static Exemption exemption(JsonNode node, String at) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      throw new CameraFileException(at + ": 'exemption' must be a map with 'reason' (medical or safety) and"
          + " 'justification'");
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!CameraFileKeys.EXEMPTION_KEYS.contains(key)) {
        throw new CameraFileException(at + ": unknown key 'exemption." + key + "' (reason, justification)");
      }
    }
    try {
      String reason = text(node, "reason", at);
      if (reason == null) {
        throw new IllegalArgumentException("'exemption' needs a 'reason': medical or safety");
      }
      return new Exemption(Exemption.Reason.parse(reason), text(node, "justification", at));
    } catch (IllegalArgumentException ex) {
      throw ex instanceof CameraFileException c ? c : new CameraFileException(at + ": " + ex.getMessage(), ex);
    }
  }

  private static List<Polygon> masks(JsonNode node, String at) {
    List<Polygon> out = new ArrayList<>();
    if (node == null || node.isNull()) {
      return out;
    }
    if (!node.isArray()) {
      throw new CameraFileException(at + ": 'masks' must be a list of polygons");
    }
    int i = 0;
    for (JsonNode polygon : node) {
      i++;
      out.add(polygon(polygon, at + ", masks[" + i + "]"));
    }
    return out;
  }

  private static Map<String, Polygon> zones(JsonNode node, String at) {
    Map<String, Polygon> out = new LinkedHashMap<>();
    if (node == null || node.isNull()) {
      return out;
    }
    if (!node.isObject()) {
      throw new CameraFileException(at + ": 'zones' must be a map of zone name to polygon");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> zone = it.next();
      if (!ZONE_NAME.matcher(zone.getKey()).matches()) {
        throw new CameraFileException(at + ": zone name '" + zone.getKey() + "' must be 1-64 letters, digits,"
            + " '.', '_' or '-', starting with a letter or digit");
      }
      out.put(zone.getKey(), polygon(zone.getValue(), at + ", zones." + zone.getKey()));
    }
    return out;
  }

  /** A list of [x, y] pairs, fractions of the frame. */
  private static Polygon polygon(JsonNode node, String at) {
    if (node == null || !node.isArray()) {
      throw new CameraFileException(at + ": a polygon must be a list of [x, y] corners (fractions of the frame,"
          + " 0 to 1)");
    }
    double[] xs = new double[node.size()];
    double[] ys = new double[node.size()];
    for (int i = 0; i < node.size(); i++) {
      JsonNode p = node.get(i);
      if (!p.isArray() || p.size() != 2 || !p.get(0).isNumber() || !p.get(1).isNumber()) {
        throw new CameraFileException(at + ": corner " + (i + 1) + " is " + p + ", not an [x, y] pair of numbers");
      }
      xs[i] = p.get(0).doubleValue();
      ys[i] = p.get(1).doubleValue();
    }
    try {
      return new Polygon(xs, ys);
    } catch (IllegalArgumentException e) {
      throw new CameraFileException(at + ": " + e.getMessage(), e);
    }
  }
}
