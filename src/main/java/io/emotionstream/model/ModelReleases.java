package io.emotionstream.model;

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

/**
 * The compacted {@code model-releases} topic (key: model name): the last record of a name is the
 * version every processor serves. Publishing a release and promoting an older version (a rollback)
 * are the same call.
 */
public final class ModelReleases {

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
   * Copies a verified artifact into {@code store} and releases it: every processor following its
   * model name swaps to it.
   *
   * @return where the store keeps it
   */
  public static URI storeAndRelease(Settings settings, ModelStore store, ModelArtifact artifact) {
    URI uri = store.publish(artifact);
    publish(settings, release(artifact.metadata(), uri));
    return uri;
  }
}
