package io.emotionstream.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.emotionstream.audit.AuditTrail;
import io.emotionstream.config.Settings;
import io.emotionstream.kafka.TopicCreator;
import io.emotionstream.kafka.TopicReader;
import io.emotionstream.kafka.serde.AvroSerdes;
import io.emotionstream.schema.ModelRelease;
import java.net.URI;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compacted {@code model-releases} topic (key: release channel, {@link ReleaseTarget}): the last
 * record of a channel is the version its processors serve, the last record of
 * {@code <channel>/canary} (until a tombstone ends it) the version a share or a named set of them
 * serves first. Publishing a release and promoting an older version (a rollback, to any model) are
 * the same call; {@link #storeAndRelease} also records it in the audit trail as
 * {@code model-released}, {@code model-promoted}, {@code model-rolled-back} or
 * {@code model-canary-started}, and a canary's end as {@code model-canary-ended}.
 */
public final class ModelReleases {

  private static final Logger LOG = LoggerFactory.getLogger(ModelReleases.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Audit actions of a release. */
  public static final String RELEASED = "model-released";
  public static final String PROMOTED = "model-promoted";
  public static final String ROLLED_BACK = "model-rolled-back";
  public static final String CANARY_STARTED = "model-canary-started";
  public static final String CANARY_ENDED = "model-canary-ended";

  /** Why a version is released: a new version published, or a stored one chosen (promotion or rollback). */
  public enum Intent { PUBLISH, PROMOTE }

  private ModelReleases() {}

  /** A release record for a stored artifact, for the channel of the settings it is published with. */
  public static ModelRelease release(ModelMetadata m, URI uri) {
    return ModelRelease.newBuilder()
        .setModelName(m.name())
        .setVersion(m.version())
        .setArtifactUri(uri.toString())
        .setChecksum(m.weightsSha256())
        .setLabels(List.copyOf(m.labels()))
        .setCreatedTime(Instant.now())
        .setMetrics(m.metrics() == null ? Map.of() : new HashMap<>(m.metrics()))
        .build();
  }

  /** A release record of a stored artifact for {@code target} (a channel or its canary). */
  public static ModelRelease release(ModelMetadata m, URI uri, ReleaseTarget target) {
    ModelRelease r = release(m, uri);
    r.setChannel(target.channel());
    r.setCanaryShare(target.canaryShare());
    r.setCanaryInstances(List.copyOf(target.canaryInstances()));
    return r;
  }

  /**
   * Writes {@code release} under its key and waits for the broker's acknowledgement. A release
   * without a channel goes to the channel of {@code model.channel}.
   */
  public static void publish(Settings settings, ModelRelease release) {
    if (release.getChannel().isEmpty()) {
      release.setChannel(settings.string("model.channel"));
    }
    ReleaseTarget target = new ReleaseTarget(release.getChannel(), release.getCanaryShare(),
        release.getCanaryInstances());
    write(settings, target.key(), release);
  }

  /** Writes {@code value} (null: a tombstone) under {@code key}, acknowledged by the brokers. */
  private static void write(Settings settings, String key, ModelRelease value) {
    ensureTopic(settings);
    Map<String, Object> config = settings.kafkaClientConfig();
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    AvroSerdes serdes = AvroSerdes.from(settings);
    serdes.declareWriters(Map.of(settings.string("topic.model-releases"), ModelRelease.class));
    String what = value == null ? "the end of " + key : "the release of " + value.getModelName() + " "
        + value.getVersion() + " on " + key;
    try (KafkaProducer<String, ModelRelease> producer = new KafkaProducer<>(config, new StringSerializer(),
        serdes.serde(ModelRelease.class).serializer())) {
      producer.send(new ProducerRecord<>(settings.string("topic.model-releases"), key, value)).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing " + what, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot write " + what + " to " + settings.string("topic.model-releases")
          + ": " + e.getCause().getMessage(), e.getCause());
    }
  }

  /**
   * The current release under every key (channels, {@code <channel>/canary}, and model names of
   * records written before channels), read to the end of the topic; a tombstone removes its key, an
   * undecodable record is logged and skipped.
   */
  public static Map<String, ModelRelease> current(Settings settings) {
    ensureTopic(settings);
    Map<String, ModelRelease> latest = new LinkedHashMap<>();
    try (TopicReader<ModelRelease> reader = new TopicReader<>(settings, settings.string("topic.model-releases"),
        AvroSerdes.from(settings).serde(ModelRelease.class).deserializer(), TopicReader.Start.BEGINNING)) {
      for (ConsumerRecord<String, ModelRelease> r : reader.readToEnd()) {
        if (r.value() != null) {
          latest.put(r.key(), r.value());
        } else {
          latest.remove(r.key());
        }
      }
    }
    return latest;
  }

  /** Creates the compacted releases topic when it is missing. */
  public static void ensureTopic(Settings settings) {
    NewTopic compacted = new NewTopic(settings.string("topic.model-releases"), 1,
        (short) settings.integer("topics.replication-factor"))
        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
    TopicCreator.ensure(settings, List.of(compacted));
  }

  /** {@link #storeAndRelease(Settings, ModelStore, ModelArtifact, Intent, String, ReleaseTarget, String)} on the whole channel of {@code model.channel}. */
  public static URI storeAndRelease(Settings settings, ModelStore store, ModelArtifact artifact, Intent intent,
      String source) {
    return storeAndRelease(settings, store, artifact, intent, source, ReleaseTarget.of(settings), null);
  }

  /**
   * Copies a verified artifact into {@code store}, releases it to {@code target} (every processor of
   * the channel, or the canary's share of them, swaps to it) and records the release in the audit
   * trail: {@code model-canary-started} for a canary; else {@code model-released} for a publication,
   * and for a promotion {@code model-rolled-back} when the version was made before the one released
   * now, else {@code model-promoted}. A release to the whole channel ends its canary (the canary was
   * promoted, or a newer release replaces what it was compared with), recorded as
   * {@code model-canary-ended}.
   *
   * @param source who releases it ({@link io.emotionstream.audit.AuditSource})
   * @param gate what the release gate said (recorded with the release), or null
   * @return where the store keeps it
   * @throws io.emotionstream.audit.AuditException when the release was written but could not be audited
   */
  public static URI storeAndRelease(Settings settings, ModelStore store, ModelArtifact artifact, Intent intent,
      String source, ReleaseTarget target, String gate) {
    ModelMetadata m = artifact.metadata();
    Map<String, ModelRelease> current = current(settings);
    ModelRelease previous = current.get(target.key());
    ModelRelease canary = target.canary() ? null : current.get(ReleaseTarget.canaryKey(target.channel()));
    URI uri = store.publish(artifact);
    ModelRelease release = release(m, uri, target);
    publish(settings, release);
    String action = target.canary() ? CANARY_STARTED : intent == Intent.PUBLISH ? RELEASED
        : olderThan(store, m, current.get(target.channel())) ? ROLLED_BACK : PROMOTED;
    String detail = "model " + m.name() + " " + m.version() + " released to " + target.describe() + " on "
        + settings.string("topic.model-releases") + (previous == null ? " (the first release there)"
            : same(previous, m) ? " (again)" : " in place of " + previous.getModelName() + " " + previous.getVersion())
        + (action.equals(ROLLED_BACK) ? ": a rollback" : "") + (gate == null ? "" : "; release gate: " + gate);
    try (AuditTrail trail = AuditTrail.open(settings, source)) {
      trail.record(action, m.name(), detail, previous == null ? null : json(previous).toString(),
          json(release).toString());
      if (canary != null) {
        write(settings, ReleaseTarget.canaryKey(target.channel()), null);
        trail.record(CANARY_ENDED, canary.getModelName(), "canary " + canary.getModelName() + " "
            + canary.getVersion() + " on channel " + target.channel() + " ended by the release of " + m.name() + " "
            + m.version() + " to the whole channel", json(canary).toString(), null);
      }
    }
    return uri;
  }

  /**
   * Ends the canary of {@code channel} (a tombstone): its instances go back to the channel's release.
   *
   * @return the canary that ended, or null when there was none
   */
  public static ModelRelease endCanary(Settings settings, String channel, String source, String why) {
    ModelRelease canary = current(settings).get(ReleaseTarget.canaryKey(channel));
    if (canary == null) {
      return null;
    }
    write(settings, ReleaseTarget.canaryKey(channel), null);
    try (AuditTrail trail = AuditTrail.open(settings, source)) {
      trail.record(CANARY_ENDED, canary.getModelName(), "canary " + canary.getModelName() + " " + canary.getVersion()
          + " on channel " + channel + " ended" + (why == null || why.isBlank() ? "" : ": " + why),
          json(canary).toString(), null);
    }
    return canary;
  }

  private static boolean same(ModelRelease r, ModelMetadata m) {
    return r.getModelName().equals(m.name()) && r.getVersion().equals(m.version());
  }

  /** Whether {@code m} was made before the artifact of the release in force (a rollback), whichever its model. */
  private static boolean olderThan(ModelStore store, ModelMetadata m, ModelRelease previous) {
    if (previous == null || same(previous, m)) {
      return false;
    }
    try {
      ModelMetadata current = ModelArtifact.open(store.fetch(store.locate(previous.getModelName(),
          previous.getVersion()))).metadata();
      return m.createdAt() != null && current.createdAt() != null
          && java.time.Instant.parse(m.createdAt()).isBefore(java.time.Instant.parse(current.createdAt()));
    } catch (RuntimeException e) {
      LOG.warn("cannot compare {} {} with the released {} {}: {}", m.name(), m.version(), previous.getModelName(),
          previous.getVersion(), e.toString());
      return false;
    }
  }

  private static ObjectNode json(ModelRelease r) {
    ObjectNode o = JSON.createObjectNode();
    o.put("model", r.getModelName()).put("version", r.getVersion()).put("artifact", r.getArtifactUri())
        .put("checksum", r.getChecksum()).put("channel", r.getChannel());
    if (r.getCanaryShare() > 0 || !r.getCanaryInstances().isEmpty()) {
      ObjectNode canary = o.putObject("canary");
      canary.put("share", r.getCanaryShare());
      r.getCanaryInstances().forEach(canary.withArray("instances")::add);
    }
    ObjectNode metrics = o.putObject("metrics");
    new java.util.TreeMap<>(r.getMetrics()).forEach((k, v) -> metrics.put(k, v));
    return o;
  }
}
