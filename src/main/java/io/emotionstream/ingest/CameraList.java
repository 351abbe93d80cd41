package io.emotionstream.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.emotionstream.policy.CameraFileKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The camera list file (YAML), shared by {@code ingest} and the processor's camera policy:
 *
 * <pre>
 * defaults:            # optional: any camera key but id and url, for every camera
 *   site: store-12
 * cameras:
 *   - id: entrance
 *     url: rtsp://10.0.0.5:554/stream1
 *     fps: 2
 *     zone: entrance
 * </pre>
 *
 * Keys {@code ingest} reads are in {@link #CAMERA_KEYS}; the keys of the camera policy
 * ({@link #POLICY_KEYS}) are accepted and left to it. Any other key is an error that names the
 * key, the camera and the file, so that a typo never passes silently; so are a missing id or url,
 * a duplicate id, and values of the wrong kind.
 */
public final class CameraList {

  /**
   * Keys of a camera that belong to the camera policy only ({@link CameraFileKeys#POLICY_KEYS} but
   * the shared {@code id}, {@code site} and {@code zone}): accepted here and not interpreted.
   */
  public static final Set<String> POLICY_KEYS = CameraFileKeys.POLICY_KEYS.stream()
      .filter(k -> !Set.of("id", "site", "zone").contains(k)).collect(java.util.stream.Collectors.toUnmodifiableSet());

  /** Keys of a camera that {@code ingest} reads: its own and the shared {@code id}, {@code site}, {@code zone}. */
  public static final Set<String> CAMERA_KEYS = java.util.stream.Stream.concat(Set.of("id", "site", "zone").stream(),
      CameraFileKeys.INGEST_KEYS.stream()).collect(java.util.stream.Collectors.toUnmodifiableSet());

  /** Highest target rate a camera may ask for. */
  public static final double MAX_FPS = 30;

  private static final Set<String> TOP_LEVEL_KEYS = Set.copyOf(CameraFileKeys.TOP_LEVEL_KEYS);
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final YAMLMapper YAML = YAMLMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

  private final Path file;
  private final List<CameraConfig> cameras;

  private CameraList(Path file, List<CameraConfig> cameras) {
    this.file = file;
    this.cameras = List.copyOf(cameras);
  }

  /**
   * Reads and checks the whole file: either every camera is valid or nothing is returned.
   *
   * @throws CameraListException naming the file, the camera and the key at fault
   */
  public static CameraList read(Path file, IngestDefaults defaults) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new CameraListException("camera list " + file + " does not exist");
    } catch (IOException e) {
      throw new CameraListException("cannot read camera list " + file + ": " + e.getMessage(), e);
    }
    return parse(text, file, defaults);
  }

  /** @param file named in errors */
  static CameraList parse(String text, Path file, IngestDefaults defaults) {
    JsonNode root;
    try {
      root = YAML.readTree(text);
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
          + e.getLocation().getColumnNr() + ")";
      throw new CameraListException("camera list " + file + " is not valid YAML" + where + ": " + e.getOriginalMessage());
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw new CameraListException("camera list " + file + " is empty: expected a 'cameras:' list");
    }
    if (!root.isObject()) {
      throw new CameraListException("camera list " + file + " must be a map with a 'cameras:' list at the top");
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!TOP_LEVEL_KEYS.contains(key)) {
        throw new CameraListException("camera list " + file + ": unknown top-level key '" + key
            + "' (expected 'cameras' and optionally 'defaults')");
      }
    }
    JsonNode shared = root.path("defaults");
    if (!shared.isMissingNode() && !shared.isObject()) {
      throw new CameraListException("camera list " + file + ": 'defaults' must be a map of camera keys");
    }
    if (shared.has("id") || shared.has("url")) {
      throw new CameraListException("camera list " + file + ": 'defaults' cannot hold 'id' or 'url'");
    }
    JsonNode list = root.path("cameras");
    if (!list.isArray()) {
      throw new CameraListException("camera list " + file + ": 'cameras' must be a list (of maps with at least id and url)");
    }
    List<CameraConfig> cameras = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode node = list.get(i);
      String name = "camera #" + (i + 1);
      if (!node.isObject()) {
        throw new CameraListException("camera list " + file + ": " + name + " must be a map (id, url, ...)");
      }
      if (node.path("id").isTextual() && !node.path("id").asText().isBlank()) {
        name = "camera '" + node.path("id").asText() + "'";
      }
      ObjectNode merged = shared.isObject() ? ((ObjectNode) shared).deepCopy() : YAML.createObjectNode();
      merged.setAll((ObjectNode) node);
      CameraConfig camera;
      try {
        camera = new Reader(merged, node, defaults).camera();
      } catch (IllegalArgumentException e) {
        throw new CameraListException("camera list " + file + ", " + name + ": " + e.getMessage());
      }
      if (!ids.add(camera.id())) {
        throw new CameraListException("camera list " + file + ": camera id '" + camera.id() + "' is used twice");
      }
      cameras.add(camera);
    }
    return new CameraList(file, cameras);
  }

  public Path file() {
    return file;
  }

  public List<CameraConfig> cameras() {
    return cameras;
  }

  /** Reads one camera's map; every error is an IllegalArgumentException naming the key. */
  private static final class Reader {

    private final JsonNode node;
    private final IngestDefaults defaults;

    Reader(JsonNode merged, JsonNode own, IngestDefaults defaults) {
      this.node = merged;
      this.defaults = defaults;
      for (Iterator<String> it = merged.fieldNames(); it.hasNext(); ) {
        String key = it.next();
        if (!CAMERA_KEYS.contains(key) && !POLICY_KEYS.contains(key)) {
          String where = own.has(key) ? "" : " (from 'defaults')";
          throw new IllegalArgumentException("unknown key '" + key + "'" + where + suggestion(key));
        }
      }
    }

    CameraConfig camera() {
      String id = text("id", null);
      if (id == null) {
        throw new IllegalArgumentException("'id' is missing");
      }
      if (!ID.matcher(id).matches()) {
        throw new IllegalArgumentException("id '" + id + "' must be 1-128 letters, digits, '.', '_', ':' or '-',"
            + " starting with a letter or digit");
      }
      String url = text("url", null);
      if (url == null) {
        throw new IllegalArgumentException("'url' is missing");
      }
      CameraUrl address;
      try {
        address = CameraUrl.parse(url);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("'url' " + e.getMessage());
      }
      Redaction.remember(address.password());
      double fps = number("fps", defaults.fps());
      if (!(fps > 0 && fps <= MAX_FPS)) {
        throw new IllegalArgumentException("'fps' must be above 0 and at most " + (int) MAX_FPS + ", not " + fps);
      }
      String zone = text("zone", null);
      Map<String, String> tags = stringMap("tags");
      if (zone != null && tags.containsKey("zone")) {
        throw new IllegalArgumentException("'zone' is given twice: as a key and in 'tags'");
      }
      String username = text("username", null);
      String passwordEnv = text("password-env", null);
      String passwordFile = text("password-file", null);
      if (passwordEnv != null && passwordFile != null) {
        throw new IllegalArgumentException("'password-env' and 'password-file' are both given: use one");
      }
      if ((passwordEnv != null || passwordFile != null) && username == null && address.user() == null) {
        throw new IllegalArgumentException("a password is referenced ('password-env' or 'password-file') but 'username' is missing");
      }
      if (username != null && address.user() != null) {
        throw new IllegalArgumentException("'username' is given and the url carries a user name too: use one");
      }
      if (address.password() != null && (passwordEnv != null || passwordFile != null)) {
        throw new IllegalArgumentException("the url carries a password and a password is referenced as well: use one");
      }
      if (passwordEnv != null && !ENV_NAME.matcher(passwordEnv).matches()) {
        throw new IllegalArgumentException("'password-env' must name an environment variable (letters, digits, '_'), not '"
            + passwordEnv + "'");
      }
      ZoneId zoneId = defaults.zone();
      String zoneText = text("time-zone", null);
      if (zoneText != null) {
        try {
          zoneId = ZoneId.of(zoneText);
        } catch (RuntimeException e) {
          throw new IllegalArgumentException("'time-zone' '" + zoneText + "' is not a time zone (e.g. Europe/Berlin)");
        }
      }
      OpeningHours hours = null;
      JsonNode h = node.path("hours");
      if (!h.isMissingNode() && !h.isNull()) {
        List<String> rules = new ArrayList<>();
        if (h.isTextual()) {
          rules.add(h.asText());
        } else if (h.isArray()) {
          h.forEach(r -> {
            if (!r.isTextual()) {
              throw new IllegalArgumentException("'hours' entries must be text like \"mon-fri 08:00-20:00\"");
            }
            rules.add(r.asText());
          });
        } else {
          throw new IllegalArgumentException("'hours' must be text like \"mon-fri 08:00-20:00, sat 09:00-14:00\" or a list of such");
        }
        try {
          hours = OpeningHours.parse(rules, zoneId);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("'hours': " + e.getMessage());
        }
      }
      CameraConfig.Source source = source();
      if ((source == CameraConfig.Source.MJPEG || source == CameraConfig.Source.SNAPSHOT)
          && address.kind() != CameraUrl.Kind.HTTP) {
        throw new IllegalArgumentException("'source: " + source.name().toLowerCase(Locale.ROOT) + "' needs an http:// or https:// url");
      }
      String transport = text("rtsp-transport", defaults.rtspTransport());
      if (!transport.equals("tcp") && !transport.equals("udp")) {
        throw new IllegalArgumentException("'rtsp-transport' must be tcp or udp, not '" + transport + "'");
      }
      Duration connect = Duration.ofMillis(whole("connect-timeout-ms", defaults.connectTimeout().toMillis(), 100, 600_000));
      Duration read = Duration.ofMillis(whole("read-timeout-ms", defaults.readTimeout().toMillis(), 100, 600_000));
      int maxSide = (int) whole("max-side", defaults.maxSide(), 0, 16_384);
      if (maxSide > 0 && maxSide < 16) {
        throw new IllegalArgumentException("'max-side' must be 0 (keep) or at least 16, not " + maxSide);
      }
      int quality = (int) whole("jpeg-quality", defaults.jpegQuality(), 1, 100);
      return new CameraConfig(id, url, fps, text("site", null), zone, tags, bool("enabled", true), hours, username,
          passwordEnv, passwordFile == null ? null : Path.of(passwordFile), source, transport, connect, read, maxSide,
          quality, bool("keyframes-only", defaults.keyframesOnly()), stringMap("ffmpeg-options"));
    }

    private CameraConfig.Source source() {
      String s = text("source", "auto");
      for (CameraConfig.Source v : CameraConfig.Source.values()) {
        if (v.name().equalsIgnoreCase(s)) {
          return v;
        }
      }
      throw new IllegalArgumentException("'source' must be auto, ffmpeg, mjpeg or snapshot, not '" + s + "'");
    }

    private String text(String key, String fallback) {
      JsonNode v = node.path(key);
      if (v.isMissingNode() || v.isNull()) {
        return fallback;
      }
      if (!v.isValueNode()) {
        throw new IllegalArgumentException("'" + key + "' must be text");
      }
      String s = v.asText().trim();
      if (s.isEmpty()) {
        throw new IllegalArgumentException("'" + key + "' is empty");
      }
      return s;
    }

    private double number(String key, double fallback) {
      JsonNode v = node.path(key);
      if (v.isMissingNode() || v.isNull()) {
        return fallback;
      }
      if (!v.isNumber()) {
        throw new IllegalArgumentException("'" + key + "' must be a number, not '" + v.asText() + "'");
      }
      return v.asDouble();
    }

    private long whole(String key, long fallback, long min, long max) {
      JsonNode v = node.path(key);
      if (v.isMissingNode() || v.isNull()) {
        return fallback;
      }
      if (!v.isIntegralNumber() || v.asLong() < min || v.asLong() > max) {
        throw new IllegalArgumentException("'" + key + "' must be a whole number from " + min + " to " + max
            + ", not '" + v.asText() + "'");
      }
      return v.asLong();
    }

    private boolean bool(String key, boolean fallback) {
      JsonNode v = node.path(key);
      if (v.isMissingNode() || v.isNull()) {
        return fallback;
      }
      if (!v.isBoolean()) {
        throw new IllegalArgumentException("'" + key + "' must be true or false, not '" + v.asText() + "'");
      }
      return v.asBoolean();
    }

    private Map<String, String> stringMap(String key) {
      JsonNode v = node.path(key);
      Map<String, String> out = new LinkedHashMap<>();
      if (v.isMissingNode() || v.isNull()) {
        return out;
      }
      if (!v.isObject()) {
        throw new IllegalArgumentException("'" + key + "' must be a map of names to values");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getValue().isValueNode() || e.getValue().isNull()) {
          throw new IllegalArgumentException("'" + key + "': the value of '" + e.getKey() + "' must be text");
        }
        out.put(e.getKey(), e.getValue().asText());
      }
      return out;
    }

    private static String suggestion(String key) {
      String best = null;
      int bestDistance = 3;
      for (String known : CAMERA_KEYS) {
        int d = distance(key.toLowerCase(Locale.ROOT), known);
        if (d < bestDistance) {
          best = known;
          bestDistance = d;
        }
      }
      return best == null ? "" : " (did you mean '" + best + "'?)";
    }

    private static int distance(String a, String b) {
      int[] prev = new int[b.length() + 1];
      int[] cur = new int[b.length() + 1];
      for (int j = 0; j <= b.length(); j++) {
        prev[j] = j;
      }
      for (int i = 1; i <= a.length(); i++) {
        cur[0] = i;
        for (int j = 1; j <= b.length(); j++) {
          cur[j] = Math.min(Math.min(cur[j - 1], prev[j]) + 1, prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
        }
        int[] t = prev;
        prev = cur;
        cur = t;
      }
      return prev[b.length()];
    }
  }
}
