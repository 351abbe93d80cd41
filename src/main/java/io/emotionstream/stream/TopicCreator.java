package io.emotionstream.stream;

import io.emotionstream.config.Settings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the processor's topics when they are missing ({@code topics.create}). */
public final class TopicCreator {

  private static final Logger LOG = LoggerFactory.getLogger(TopicCreator.class);

  private TopicCreator() {}

  public static void ensure(Settings settings, Topics topics) {
    Map<String, Object> config = new java.util.HashMap<>(settings.kafkaOverrides());
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.string("bootstrap.servers"));
    try (Admin admin = Admin.create(config)) {
      ensure(admin, topics.all(),
          settings.integer("topics.partitions"), (short) settings.integer("topics.replication-factor"));
    }
  }

  public static void ensure(Admin admin, List<String> names, int partitions, short replication) {
    try {
      Set<String> existing = admin.listTopics().names().get();
      List<NewTopic> missing = new ArrayList<>();
      for (String name : names) {
        if (!existing.contains(name)) {
          missing.add(new NewTopic(name, partitions, replication));
        }
      }
      if (missing.isEmpty()) {
        return;
      }
      try {
        admin.createTopics(missing).all().get();
        LOG.info("created topics {} ({} partitions)", missing.stream().map(NewTopic::name).toList(), partitions);
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
