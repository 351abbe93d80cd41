package io.emotionstream.kafka;

import io.emotionstream.config.Settings;
import java.util.ArrayList;
import java.util.List;
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

/** Creates topics that are missing ({@code topics.create}); existing topics are left as they are. */
public final class TopicCreator {

  private static final Logger LOG = LoggerFactory.getLogger(TopicCreator.class);

  private TopicCreator() {}

  /**
   * The processor's topics, with {@code topics.partitions} and {@code topics.replication-factor};
   * the frames and dead-letter topics take records of up to {@link RecordSizes#recordLimit}.
   */
  public static void ensure(Settings settings, Topics topics) {
    List<NewTopic> wanted = new ArrayList<>();
    for (String name : topics.all()) {
      NewTopic topic = new NewTopic(name, settings.integer("topics.partitions"),
          (short) settings.integer("topics.replication-factor"));
      if (name.equals(topics.frames()) || name.equals(topics.deadLetter())) {
        topic.configs(RecordSizes.topic(settings));
      }
      wanted.add(topic);
    }
    ensure(settings, wanted);
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
}
