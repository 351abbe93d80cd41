package io.emotionstream.policy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Every camera's policy from one version of the camera file. A camera that is not listed is not
 * analysed ({@link Refusal#NOT_LISTED}).
 */
public final class CameraPolicies {

  private final String source;
  private final String sha256;
  private final Map<String, CameraPolicy> cameras;

  /**
   * @param source where the policies come from (the file name), for logs and the audit topic
   * @param text the file's text, whose SHA-256 identifies this version
   */
  public CameraPolicies(String source, String text, Map<String, CameraPolicy> cameras) {
    this.source = source;
    this.sha256 = sha256(text);
    this.cameras = Collections.unmodifiableMap(new LinkedHashMap<>(cameras));
  }

  /** No camera file: no camera is analysed. */
  public static CameraPolicies none() {
    return new CameraPolicies("no camera file (cameras.file is empty)", "", Map.of());
  }

  /** The file (or a sentence saying there is none). */
  public String source() {
    return source;
  }

  /** SHA-256 of the file's text, hex. */
  public String sha256() {
    return sha256;
  }

  /** The camera's policy, or null when it is not listed. */
  public CameraPolicy policy(String cameraId) {
    return cameras.get(cameraId);
  }

  /** Why the camera's frames are not analysed, or null when they are. */
  public Refusal refusal(String cameraId) {
    CameraPolicy policy = cameras.get(cameraId);
    return policy == null ? Refusal.NOT_LISTED : policy.refusal();
  }

  public Collection<CameraPolicy> all() {
    return cameras.values();
  }

  /** The cameras of one site (null: those without a site), in file order. */
  public List<CameraPolicy> site(String site) {
    return cameras.values().stream().filter(c -> Objects.equals(site, c.site())).toList();
  }

  /**
   * What changed from {@code before} to this version, camera by camera, in file order (removed
   * cameras last).
   */
  public List<PolicyChange> changesSince(CameraPolicies before) {
    List<PolicyChange> out = new ArrayList<>();
    for (CameraPolicy now : cameras.values()) {
      CameraPolicy was = before.cameras.get(now.id());
      String after = now.toJson().toString();
      if (was == null) {
        out.add(new PolicyChange(PolicyChange.Kind.CAMERA_ADDED, now.id(), "camera " + now.id() + " added to "
            + source + ": " + decision(now), null, after));
        continue;
      }
      String beforeJson = was.toJson().toString();
      List<String> fields = policyFields(was, now);
      if (was.emotion() != now.emotion()) {
        // one record for the switch, naming what else of the policy changed with it
        out.add(new PolicyChange(now.emotion() ? PolicyChange.Kind.CAMERA_ENABLED : PolicyChange.Kind.CAMERA_DISABLED,
            now.id(), "camera " + now.id() + " " + (now.emotion() ? "opted in to" : "opted out of")
                + " emotion inference" + (fields.isEmpty() ? "" : " (" + String.join(", ", fields) + ")") + ": "
                + decision(now), beforeJson, after));
      } else if (!fields.isEmpty()) {
        out.add(new PolicyChange(PolicyChange.Kind.POLICY_CHANGED, now.id(), "camera " + now.id()
            + " policy changed (" + String.join(", ", fields) + "): " + decision(now), beforeJson, after));
      }
      if (!was.masks().equals(now.masks())) {
        out.add(new PolicyChange(PolicyChange.Kind.MASKS_CHANGED, now.id(), "camera " + now.id()
            + " privacy masks changed: " + was.masks().size() + " -> " + now.masks().size(), beforeJson, after));
      }
      if (!was.zones().equals(now.zones())) {
        out.add(new PolicyChange(PolicyChange.Kind.ZONES_CHANGED, now.id(), "camera " + now.id() + " zones changed: "
            + was.zones().keySet() + " -> " + now.zones().keySet(), beforeJson, after));
      }
    }
    for (CameraPolicy was : before.cameras.values()) {
      if (!cameras.containsKey(was.id())) {
        out.add(new PolicyChange(PolicyChange.Kind.CAMERA_REMOVED, was.id(), "camera " + was.id() + " removed from "
            + source + ": its frames are no longer analysed", was.toJson().toString(), null));
      }
    }
    return out;
  }

  private static List<String> policyFields(CameraPolicy was, CameraPolicy now) {
    List<String> fields = new ArrayList<>();
    if (!Objects.equals(was.site(), now.site())) {
      fields.add("site");
    }
    if (!Objects.equals(was.zone(), now.zone())) {
      fields.add("zone");
    }
    if (was.context() != now.context()) {
      fields.add("context " + was.context() + " -> " + now.context());
    }
    if (!Objects.equals(was.purpose(), now.purpose())) {
      fields.add("purpose");
    }
    if (!Objects.equals(was.exemption(), now.exemption())) {
      fields.add("exemption");
    }
    return fields;
  }

  private static String decision(CameraPolicy policy) {
    Refusal refusal = policy.refusal();
    return refusal == null ? "analysed" : "not analysed, it " + refusal.explanation();
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return source + " (" + cameras.size() + " cameras, sha256 " + sha256.substring(0, 12) + ")";
  }
}
