package io.emotionstream.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.emotionstream.config.Settings;
import io.emotionstream.policy.CameraPolicies;
import io.emotionstream.policy.CameraPolicy;
import io.emotionstream.policy.RetentionPolicy;
import java.util.ArrayList;
import java.util.List;

/**
 * What a processor does with the people it films, as it starts: the camera file (name and SHA-256)
 * and every camera's policy and decision (as many as fit one record, see {@link #MAX_CAMERA_CHARS}),
 * and the settings that decide what is kept and what leaves, each with its value and where it came
 * from. Recorded with {@code processor-started}.
 */
public final class EffectivePolicy {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Settings recorded with every start. */
  static final List<String> KEYS;

  static {
    List<String> keys = new ArrayList<>(List.of("cameras.file", "cameras.reload-ms", "emotion.min-confidence",
        "stats.min-people", "stats.track-ids", "stats.window-seconds", "dead-letter.keep-pixels", "track.enabled",
        "model.dir", "model.hot-reload", "topic.frames", "topic.events", "topic.stats", "topic.zone-stats",
        "topic.tracks", "topic.dead-letter", "topic.audit"));
    keys.addAll(List.of(RetentionPolicy.KEYS));
    KEYS = List.copyOf(keys);
  }

  /**
   * Characters of camera policies one record holds; the cameras beyond are counted in
   * {@code camerasOmitted} (the camera file's SHA-256 still identifies them all). A camera file of
   * 20,000 cameras made a 2.9 MB record, which the audit topic (1 MB by default) refused, and the
   * processor could not start. 512 Ki characters keep the record under 1 MB with room for the rest.
   */
  static final long MAX_CAMERA_CHARS = 512 * 1024;

  private EffectivePolicy() {}

  /** @param model name and version of the model in service */
  public static ObjectNode json(Settings settings, CameraPolicies cameras, String model) {
    ObjectNode o = JSON.createObjectNode();
    o.put("cameraFile", cameras.source());
    o.put("cameraFileSha256", cameras.sha256());
    o.put("model", model);
    ArrayNode list = o.putArray("cameras");
    int analysed = 0;
    int omitted = 0;
    long bytes = 0;
    for (CameraPolicy camera : cameras.all()) {
      ObjectNode entry = camera.toJson();
      bytes += entry.toString().length();
      if (bytes <= MAX_CAMERA_CHARS) {
        list.add(entry);
      } else {
        omitted++;
      }
      analysed += camera.analysed() ? 1 : 0;
    }
    o.put("camerasAnalysed", analysed);
    if (omitted > 0) {
      o.put("camerasOmitted", omitted);
    }
    ObjectNode values = o.putObject("settings");
    for (String key : KEYS) {
      String value = settings.asMap().get(key);
      values.putObject(key).put("value", value == null ? "" : Settings.secret(key) ? "***" : value)
          .put("source", settings.source(key));
    }
    return o;
  }

  /** One sentence: how many cameras are analysed, from which file. */
  public static String summary(CameraPolicies cameras, String model) {
    long analysed = cameras.all().stream().filter(CameraPolicy::analysed).count();
    return analysed + " of " + cameras.all().size() + " listed cameras analysed (" + cameras.source() + "), model "
        + model;
  }
}
