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
 * The compacted {@code model-releases} topic (key: model name): the last record of a name is the
 * version every processor serves. Publishing a release and promoting an older version (a rollback)
 * are the same call; {@link #storeAndRelease} also records it in the audit trail as
 * {@code model-released}, {@code model-promoted} or {@code model-rolled-back}.
 */
public final class ModelReleases {

  private static final Logger LOG = LoggerFactory.getLogger(ModelReleases.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Audit actions of a release. */
  public static final String RELEASED = "model-released";
  public static final String PROMOTED = "model-promoted";
  public static final String ROLLED_BACK = "model-rolled-back";

  /** Why a version is released: a new version published, or a stored one chosen (promotion or rollback). */
  public enum Intent { PUBLISH, PROMOTE }

  private ModelReleases() {}

  /** A release record for a stored artifact. */
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

  /** Writes {@code release} and waits for the broker's acknowledgement. */
  public static void publish(Settings settings, ModelRelease release) {
    ensureTopic(settings);
    Map<String, Object> config = settings.kafkaClientConfig();
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    AvroSerdes serdes = AvroSerdes.from(settings);
    serdes.declareWriters(Map.of(settings.string("topic.model-releases"), ModelRelease.class));
    try (KafkaProducer<String, ModelRelease> producer = new KafkaProducer<>(config, new StringSerializer(),
        serdes.serde(ModelRelease.class).serializer())) {
      producer.send(new ProducerRecord<>(settings.string("topic.model-releases"), release.getModelName(), release)).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while publishing " + release.getModelName(), e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot write the release of " + release.getModelName() + " "
          + release.getVersion() + " to " + settings.string("topic.model-releases") + ": " + e.getCause().getMessage(),
          e.getCause());
    }
  }

  /**
   * The current release of every model name, read to the end of the topic; an undecodable record
   * is logged and skipped.
   */
  public static Map<String, ModelRelease> current(Settings settings) {
    ensureTopic(settings);
    Map<String, ModelRelease> latest = new LinkedHashMap<>();
    try (TopicReader<ModelRelease> reader = new TopicReader<>(settings, settings.string("topic.model-releases"),
        AvroSerdes.from(settings).serde(ModelRelease.class).deserializer(), TopicReader.Start.BEGINNING)) {
      for (ConsumerRecord<String, ModelRelease> r : reader.readToEnd()) {
        if (r.value() != null) {
          latest.put(r.key(), r.value());
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

  /**
   * Copies a verified artifact into {@code store}, releases it (every processor following its model
   * name swaps to it) and records the release in the audit trail: {@code model-released} for a
   * publication; for a promotion {@code model-rolled-back} when the version was made before the one
   * released now, else {@code model-promoted}.
   *
   * @param source who releases it ({@link io.emotionstream.audit.AuditSource})
   * @return where the store keeps it
   * @throws io.emotionstream.audit.AuditException when the release was written but could not be audited
   */
  public static URI storeAndRelease(Settings settings, ModelStore store, ModelArtifact artifact, Intent intent,
      String source) {
    ModelMetadata m = artifact.metadata();
    ModelRelease previous = current(settings).get(m.name());
    URI uri = store.publish(artifact);
    ModelRelease release = release(m, uri);
    publish(settings, release);
    String action = intent == Intent.PUBLISH ? RELEASED : olderThan(store, m, previous) ? ROLLED_BACK : PROMOTED;
    String detail = "model " + m.name() + " " + m.version() + " released on " + settings.string("topic.model-releases")
        + (previous == null ? " (the first release of " + m.name() + ")" : previous.getVersion().equals(m.version())
            ? " (again)" : " in place of " + previous.getVersion()) + (action.equals(ROLLED_BACK) ? ": a rollback" : "");
    try (AuditTrail trail = AuditTrail.open(settings, source)) {
      trail.record(action, m.name(), detail, previous == null ? null : json(previous).toString(),
          json(release).toString());
    }
    return uri;
  }

  /** Whether {@code m} was made before the artifact of the release in force (a rollback). */
  private static boolean olderThan(ModelStore store, ModelMetadata m, ModelRelease previous) {
    if (previous == null || previous.getVersion().equals(m.version())) {
      return false;
    }
    try {
      ModelMetadata current = ModelArtifact.open(store.fetch(store.locate(m.name(), previous.getVersion()))).metadata();
      return m.createdAt() != null && current.createdAt() != null
          && java.time.Instant.parse(m.createdAt()).isBefore(java.time.Instant.parse(current.createdAt()));
    } catch (RuntimeException e) {
      LOG.warn("cannot compare {} {} with the released {}: {}", m.name(), m.version(), previous.getVersion(),
          e.toString());
      return false;
    }
  }

  private static ObjectNode json(ModelRelease r) {
    ObjectNode o = JSON.createObjectNode();
    o.put("model", r.getModelName()).put("version", r.getVersion()).put("artifact", r.getArtifactUri())
        .put("checksum", r.getChecksum());
    ObjectNode metrics = o.putObject("metrics");
    new java.util.TreeMap<>(r.getMetrics()).forEach((k, v) -> metrics.put(k, v));
    return o;
  }
}
