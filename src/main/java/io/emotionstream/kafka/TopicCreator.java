package io.emotionstream.kafka;

import io.emotionstream.config.Settings;
import io.emotionstream.policy.RetentionPolicy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates topics that are missing ({@code topics.create}), with the retention of their kind of
 * data ({@link RetentionPolicy}); existing topics are left as they are, with a warning when one
 * keeps its records longer than configured.
 */
public final class TopicCreator {

  private static final Logger LOG = LoggerFactory.getLogger(TopicCreator.class);

  private TopicCreator() {}

  /**
   * The processor's topics, with {@code topics.partitions} and {@code topics.replication-factor}
   * (the audit topic: one partition, so that its records keep one order) and the retention of
   * their data ({@code retention.*-ms}); the frames and dead-letter topics take records of up to
   * {@link RecordSizes#recordLimit}.
   */
  public static void ensure(Settings settings, Topics topics) {
    RetentionPolicy retention = RetentionPolicy.from(settings);
    List<NewTopic> wanted = new ArrayList<>();
    for (String name : topics.all()) {
      wanted.add(newTopic(settings, topics, retention, name));
    }
    ensure(settings, wanted);
  }

  /** The audit topic alone: for commands that write to it without running a processor. */
  public static void ensureAudit(Settings settings) {
    Topics topics = Topics.from(settings);
    ensure(settings, List.of(newTopic(settings, topics, RetentionPolicy.from(settings), topics.audit())));
  }

  /** How the processor creates {@code name}, one of {@code topics}. */
  static NewTopic newTopic(Settings settings, Topics topics, RetentionPolicy retention, String name) {
    boolean audit = name.equals(topics.audit());
    NewTopic topic = new NewTopic(name, audit ? 1 : settings.integer("topics.partitions"),
        (short) settings.integer("topics.replication-factor"));
    Map<String, String> configs = new HashMap<>();
    if (name.equals(topics.frames()) || name.equals(topics.deadLetter())) {
      configs.putAll(RecordSizes.topic(settings));
    }
    long ms = retentionOf(topics, retention, name);
    configs.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(ms));
    Long segment = RetentionPolicy.segmentMs(ms);
    if (segment != null) {
      configs.put(TopicConfig.SEGMENT_MS_CONFIG, Long.toString(segment));
    }
    // append-only: records are deleted only by age, never replaced by a later record of their key
    configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
    return topic.configs(configs);
  }

  private static long retentionOf(Topics topics, RetentionPolicy retention, String name) {
    if (name.equals(topics.frames())) {
      return retention.framesMs();
    } else if (name.equals(topics.deadLetter())) {
      return retention.deadLetterMs();
    } else if (name.equals(topics.events())) {
      return retention.eventsMs();
    } else if (name.equals(topics.tracks())) {
      return retention.tracksMs();
    } else if (name.equals(topics.stats()) || name.equals(topics.zoneStats())) {
      return retention.statsMs();
    } else if (name.equals(topics.audit())) {
      return retention.auditMs();
    }
    throw new IllegalArgumentException("topic " + name + " is none of " + topics);
  }

  /**
   * The largest record {@code topic} accepts (its effective {@code max.message.bytes}), or
   * {@code fallback} when the topic or its configuration cannot be read (e.g. no DescribeConfigs
   * permission).
   */
  public static int maxMessageBytes(Settings settings, String topic, int fallback) {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    try (Admin admin = Admin.create(settings.kafkaClientConfig())) {
      Config config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
      ConfigEntry entry = config == null ? null : config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
      return entry == null || entry.value() == null ? fallback : Integer.parseInt(entry.value());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fallback;
    } catch (ExecutionException | java.util.concurrent.TimeoutException | RuntimeException e) {
      LOG.warn("cannot read max.message.bytes of topic {} ({}); assuming {}", topic, e.toString(), fallback);
      return fallback;
    }
  }

  /** Creates those of {@code wanted} that do not exist yet. */
  public static void ensure(Settings settings, List<NewTopic> wanted) {
    List<String> names = wanted.stream().map(NewTopic::name).toList();
    try (Admin admin = Admin.create(settings.kafkaClientConfig())) {
      Set<String> existing = admin.listTopics().names().get();
      List<NewTopic> missing = wanted.stream().filter(t -> !existing.contains(t.name())).toList();
      warnAboutLongerRetention(admin, wanted.stream().filter(t -> existing.contains(t.name())).toList());
      if (missing.isEmpty()) {
        return;
      }
      try {
        admin.createTopics(missing).all().get();
        LOG.info("created topics {}", missing.stream().map(t -> t.name() + " (" + t.numPartitions() + " partitions)").toList());
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot create topics " + names + ": " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics " + names, e);
    }
  }

  /**
   * Existing topics are not changed (their owner may have reasons), but one that keeps records
   * longer than the processor would have created it with is named, with the command that fixes it.
   */
  private static void warnAboutLongerRetention(Admin admin, Collection<NewTopic> existing) {
    List<NewTopic> withRetention = existing.stream()
        .filter(t -> t.configs() != null && t.configs().containsKey(TopicConfig.RETENTION_MS_CONFIG)).toList();
    if (withRetention.isEmpty()) {
      return;
    }
    List<ConfigResource> resources = withRetention.stream()
        .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t.name())).toList();
    try {
      Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get(30, TimeUnit.SECONDS);
      for (NewTopic t : withRetention) {
        Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, t.name()));
        ConfigEntry entry = config == null ? null : config.get(TopicConfig.RETENTION_MS_CONFIG);
        if (entry == null || entry.value() == null) {
          continue;
        }
        long actual = Long.parseLong(entry.value());
        long wanted = Long.parseLong(t.configs().get(TopicConfig.RETENTION_MS_CONFIG));
        if (wanted >= 0 && (actual < 0 || actual > wanted)) {
          LOG.warn("topic {} keeps records for {} (retention.ms={}), longer than the configured {}; to align it:"
                  + " kafka-configs.sh --bootstrap-server ... --alter --entity-type topics --entity-name {}"
                  + " --add-config retention.ms={},segment.ms={}", t.name(), RetentionPolicy.describe(actual), actual,
              RetentionPolicy.describe(wanted), t.name(), wanted, RetentionPolicy.segmentMs(wanted));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | java.util.concurrent.TimeoutException | RuntimeException e) {
      LOG.warn("cannot read the retention of topics {}: {}", withRetention.stream().map(NewTopic::name).toList(),
          e.toString());
    }
  }
}
