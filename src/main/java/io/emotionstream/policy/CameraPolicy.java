package io.emotionstream.policy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one camera may be used for, from its entry in the camera file.
 *
 * @param id the camera id, as on the frames topic (the record key)
 * @param site the store or kiosk it belongs to, or null
 * @param zone the camera's area within the site, or null
 * @param emotion whether emotion inference is switched on for it (opt-in; absent means false)
 * @param context where it looks, or null when it is not opted in and none was given
 * @param purpose why it is analysed, or null when it is not opted in and none was given
 * @param exemption the medical or safety reason that allows a prohibited context, or null
 * @param masks regions whose faces are dropped before classification (never classified, tracked or counted)
 * @param zones named regions whose faces are also counted separately, in file order
 */
public record CameraPolicy(String id, String site, String zone, boolean emotion, CameraContext context,
    String purpose, Exemption exemption, List<Polygon> masks, Map<String, Polygon> zones) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public CameraPolicy {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("a camera needs an id");
    }
    masks = List.copyOf(masks == null ? List.of() : masks);
    zones = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(zones == null ? Map.of() : zones));
  }

  /** Why this camera's frames are not analysed, or null when they are. */
  public Refusal refusal() {
    if (!emotion) {
      return Refusal.NOT_OPTED_IN;
    }
    if (context == null || context.prohibited() && exemption == null) {
      return Refusal.PROHIBITED_CONTEXT;
    }
    return null;
  }

  /** Whether this camera's frames are analysed. */
  public boolean analysed() {
    return refusal() == null;
  }

  /**
   * Whether a face whose box centre is at pixel ({@code cx}, {@code cy}) of a {@code width} x
   * {@code height} frame lies in a privacy mask.
   */
  public boolean masked(double cx, double cy, int width, int height) {
    for (Polygon mask : masks) {
      if (mask.containsPixel(cx, cy, width, height)) {
        return true;
      }
    }
    return false;
  }

  /** The zones that contain the pixel point ({@code cx}, {@code cy}) of a {@code width} x {@code height} frame. */
  public List<String> zonesAt(double cx, double cy, int width, int height) {
    List<String> out = new ArrayList<>(1);
    zones.forEach((name, polygon) -> {
      if (polygon.containsPixel(cx, cy, width, height)) {
        out.add(name);
      }
    });
    return out;
  }

  /** The policy as JSON (for the audit topic and the notice page's data). */
  public ObjectNode toJson() {
    ObjectNode o = JSON.createObjectNode();
    o.put("id", id);
    if (site != null) {
      o.put("site", site);
    }
    if (zone != null) {
      o.put("zone", zone);
    }
    o.put("emotion", emotion);
    if (context != null) {
      o.put("context", context.code());
    }
    if (purpose != null) {
      o.put("purpose", purpose);
    }
    if (exemption != null) {
      o.putObject("exemption").put("reason", exemption.reason().code()).put("justification", exemption.justification());
    }
    ArrayNode maskArray = o.putArray("masks");
    masks.forEach(m -> maskArray.add(points(m)));
    ObjectNode zoneObject = o.putObject("zones");
    zones.forEach((name, polygon) -> zoneObject.set(name, points(polygon)));
    Refusal refusal = refusal();
    o.put("analysed", refusal == null);
    if (refusal != null) {
      o.put("refusal", refusal.code());
    }
    return o;
  }

  private static ArrayNode points(Polygon polygon) {
    ArrayNode out = JSON.createArrayNode();
    for (double[] p : polygon.points()) {
      out.addArray().add(p[0]).add(p[1]);
    }
    return out;
  }

  /** One line for logs: id, decision and why. */
  public String describe() {
    Refusal refusal = refusal();
    StringBuilder out = new StringBuilder("camera ").append(id);
    if (site != null) {
      out.append(" (site ").append(site).append(')');
    }
    out.append(": context ").append(context == null ? "none" : context.code());
    if (refusal == null) {
      out.append(", analysed");
      if (exemption != null) {
        out.append(" under a ").append(exemption.reason().code()).append(" exemption");
      }
      out.append(", purpose: ").append(purpose);
    } else {
      out.append(", NOT analysed: it ").append(refusal.explanation());
    }
    if (!masks.isEmpty()) {
      out.append(", ").append(masks.size()).append(masks.size() == 1 ? " privacy mask" : " privacy masks");
    }
    if (!zones.isEmpty()) {
      out.append(", zones ").append(zones.keySet());
    }
    return out.toString();
  }
}
