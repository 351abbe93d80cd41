package io.emotionstream.model;

import io.emotionstream.config.Settings;
import io.emotionstream.schema.ModelRelease;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * Whom a release addresses: the processors of a release channel ({@code model.channel}, e.g.
 * {@code stable}), all of them, or first a canary: a share of them and/or named instances. A
 * channel's release is the record keyed by the channel on the releases topic; its canary the record
 * keyed {@code <channel>/canary}. Releases addressed to a channel, not to a model name, let a
 * channel move to any model: a rollback to another model family is a promotion like any other.
 *
 * @param canaryShare 0 for the whole channel, else the share of its instances (0 to 1]
 * @param canaryInstances instances that serve the canary whatever the share
 */
public record ReleaseTarget(String channel, double canaryShare, List<String> canaryInstances) {

  /** What follows a channel name in the key of its canary. */
  public static final String CANARY_SUFFIX = "/canary";

  public ReleaseTarget {
    if (channel == null || channel.isBlank() || channel.contains("/")) {
      throw new IllegalArgumentException("a release channel is a plain name (setting model.channel, --channel): '"
          + channel + "'");
    }
    if (!(canaryShare >= 0 && canaryShare <= 1)) {
      throw new IllegalArgumentException("a canary share lies between 0 and 1 (--canary-share): " + canaryShare);
    }
    canaryInstances = canaryInstances == null ? List.of() : List.copyOf(canaryInstances);
  }

  /** The whole channel. */
  public static ReleaseTarget channel(String channel) {
    return new ReleaseTarget(channel, 0, List.of());
  }

  /** The channel of {@code model.channel}. */
  public static ReleaseTarget of(Settings settings) {
    return channel(settings.string("model.channel"));
  }

  public boolean canary() {
    return canaryShare > 0 || !canaryInstances.isEmpty();
  }

  /** The record key on the releases topic. */
  public String key() {
    return canary() ? channel + CANARY_SUFFIX : channel;
  }

  /** The key of {@code channel}'s canary. */
  public static String canaryKey(String channel) {
    return channel + CANARY_SUFFIX;
  }

  /** Says who: "channel stable", "a canary on channel stable (25% of the instances and a, b)". */
  public String describe() {
    if (!canary()) {
      return "channel " + channel;
    }
    String share = canaryShare > 0 ? Math.round(canaryShare * 1000) / 10.0 + "% of the instances" : "";
    String named = canaryInstances.isEmpty() ? "" : "instances " + String.join(", ", canaryInstances);
    return "a canary on channel " + channel + " (" + share + (share.isEmpty() || named.isEmpty() ? "" : " and ")
        + named + ")";
  }

  /**
   * Whether the instance {@code instanceId} serves {@code canary}: it is named, or it falls into the
   * share by a hash of its id and the canary's version (stable for a given canary, a different draw
   * for the next one).
   */
  public static boolean selects(ModelRelease canary, String instanceId) {
    if (canary.getCanaryInstances().contains(instanceId)) {
      return true;
    }
    return canary.getCanaryShare() > 0 && bucket(instanceId, canary.getVersion()) < canary.getCanaryShare();
  }

  /** A number in [0, 1) from {@code instanceId} and {@code version}. */
  static double bucket(String instanceId, String version) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest((instanceId + "/" + version).getBytes(StandardCharsets.UTF_8));
      return (ByteBuffer.wrap(digest).getInt() & 0xffffffffL) / (double) (1L << 32);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The name an instance goes by in canaries: {@code group.instance.id} (the pod name in
   * {@code k8s/}), else the host name (a container's id in Compose).
   */
  public static String instanceId(Settings settings) {
    String id = settings.string("group.instance.id", "").trim();
    if (!id.isEmpty()) {
      return id;
    }
    String host = System.getenv("HOSTNAME");
    if (host != null && !host.isBlank()) {
      return host;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }
}
