package io.emotionstream.cli.bench;

import io.emotionstream.config.Settings;
import io.emotionstream.kafka.EmbeddedKafka;
import io.emotionstream.kafka.TopicCreator;
import io.emotionstream.kafka.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Kafka broker (KRaft) in this process and a Kafka Streams state directory beside it, both for
 * this run only: the broker is new on every run, so local state from an earlier run would describe
 * topics that no longer exist. {@link #close()} stops the broker and deletes the state directory.
 */
public final class LocalCluster implements AutoCloseable {

  /** The topic settings of an instance ({@link Topics}): each gets its own name per step. */
  private static final List<String> TOPIC_KEYS = List.of("topic.frames", "topic.events", "topic.dead-letter",
      "topic.stats", "topic.zone-stats", "topic.tracks", "topic.audit");

  private final Path stateDir;
  private final EmbeddedKafka kafka;

  private LocalCluster(Path stateDir, EmbeddedKafka kafka) {
    this.stateDir = stateDir;
    this.kafka = kafka;
  }

  /** @param name names the state directory ({@code emotion-stream-<name>-state...} in the temporary directory) */
  public static LocalCluster start(String name) throws IOException {
    Path state = Files.createTempDirectory("emotion-stream-" + name + "-state");
    try {
      return new LocalCluster(state, EmbeddedKafka.start());
    } catch (RuntimeException e) {
      deleteTree(state);
      throw e;
    }
  }

  /** {@code settings} pointed at this broker and state directory. */
  public Settings settings(Settings settings, String source) {
    return settings.with(Map.of("bootstrap.servers", kafka.bootstrapServers(), "stream.state-dir", stateDir.toString()),
        source);
  }

  /**
   * {@code settings} with an application id and every topic of its own, named with {@code suffix},
   * the topics created: a step that shares none of its topics or its group with another.
   */
  public static Settings ownTopics(Settings settings, String suffix, String source) {
    Map<String, String> names = new HashMap<>();
    names.put("application.id", "emotion-stream" + suffix);
    for (String key : TOPIC_KEYS) {
      names.put(key, Settings.defaults().string(key) + suffix);
    }
    Settings own = settings.with(names, source);
    TopicCreator.ensure(own, Topics.from(own));
    return own;
  }

  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  public Path stateDir() {
    return stateDir;
  }

  @Override
  public void close() {
    try {
      kafka.close();
    } finally {
      deleteTree(stateDir);
    }
  }

  private static void deleteTree(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      System.err.println("note: could not remove the state directory " + dir + ": " + e.getMessage());
    }
  }
}
