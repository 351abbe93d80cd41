package io.emotionstream.kafka;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import kafka.server.BrokerServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.metadata.BrokerState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka cluster in this JVM (KRaft, one combined broker + controller), from
 * Kafka's own server jars. Used by {@code demo}, the bench commands and the integration tests;
 * ready in a few seconds. Its broker can be {@link #stop() stopped} and {@link #restart(Duration)
 * started again} on the same port and the same log directories while the controller keeps running,
 * so the records written before survive, as they would a broker restart in production.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.builder()
 *     .property("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000")
 *     .start()) { ... }
 * }</pre>
 */
public final class EmbeddedKafka implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

  /** What a single-node cluster needs (replication factor 1) and what keeps tests quick. */
  private static final Map<String, String> DEFAULTS = Map.of(
      "offsets.topic.replication.factor", "1",
      "transaction.state.log.replication.factor", "1",
      "transaction.state.log.min.isr", "1",
      "group.initial.rebalance.delay.ms", "0",
      "num.partitions", "1",
      "message.max.bytes", Integer.toString(20 * 1024 * 1024));

  private final KafkaClusterTestKit cluster;
  // kept from the start: while the broker is stopped the cluster cannot tell it
  private final String bootstrapServers;

  private EmbeddedKafka(KafkaClusterTestKit cluster) {
    this.cluster = cluster;
    this.bootstrapServers = cluster.bootstrapServers();
  }

  /** A broker with the defaults, its data in a temporary directory removed on close. */
  public static EmbeddedKafka start() {
    return builder().start();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Broker properties and the data directory of an {@link EmbeddedKafka} to start. */
  public static final class Builder {

    private final Map<String, String> properties = new LinkedHashMap<>(DEFAULTS);
    private Path directory;

    private Builder() {}

    /** A broker (and controller) property, e.g. {@code offsets.topic.num.partitions}; overrides a default. */
    public Builder property(String key, String value) {
      properties.put(key, value);
      return this;
    }

    public Builder properties(Map<String, String> more) {
      properties.putAll(more);
      return this;
    }

    /**
     * Where the node keeps its metadata and logs; the directory is left in place on close (its
     * owner removes it). Without one, a temporary directory is used and removed on close.
     */
    public Builder directory(Path dir) {
      this.directory = dir;
      return this;
    }

    /** Formats the storage, starts the node and waits until the broker accepts clients. */
    public EmbeddedKafka start() {
      long t0 = System.nanoTime();
      try {
        boolean temporary = directory == null;
        Path dir = temporary ? Files.createTempDirectory("emotion-stream-kafka") : Files.createDirectories(directory);
        TestKitNodes nodes = new TestKitNodes.Builder()
            .setCombined(true)
            .setNumBrokerNodes(1)
            .setNumControllerNodes(1)
            .setBaseDirectory(dir)
            .build();
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes).setDeleteOnClose(temporary);
        properties.forEach(builder::setConfigProp);
        KafkaClusterTestKit cluster = builder.build();
        format(cluster);
        cluster.startup();
        cluster.waitForReadyBrokers();
        EmbeddedKafka kafka = new EmbeddedKafka(cluster);
        LOG.info("Kafka broker (KRaft) ready at {} in {} ms", kafka.bootstrapServers(),
            (System.nanoTime() - t0) / 1_000_000);
        return kafka;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create the embedded Kafka broker's directory", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while starting the embedded Kafka broker", e);
      } catch (Exception e) {
        throw new IllegalStateException("cannot start the embedded Kafka broker: " + e.getMessage(), e);
      }
    }

    private static void format(KafkaClusterTestKit cluster) throws Exception {
      // Kafka's storage formatter reports on System.out, which carries our commands' output
      PrintStream out = System.out;
      System.setOut(System.err);
      try {
        cluster.format();
      } finally {
        System.setOut(out);
      }
    }
  }

  /** The broker's address; the same after a {@link #restart(Duration)}. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** An admin client of this broker that waits up to a minute for answers (e.g. across a restart). */
  public Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000));
  }

  /** Controlled shutdown of the broker; the controller keeps running, the log directories stay. */
  public void stop() {
    for (BrokerServer broker : cluster.brokers().values()) {
      broker.shutdown();
      broker.awaitShutdown();
    }
  }

  /**
   * Starts the stopped broker again on the same port and log directories and waits until it is
   * running.
   *
   * @throws IllegalStateException when it is not running within {@code timeout}
   */
  public void restart(Duration timeout) throws InterruptedException {
    for (BrokerServer broker : cluster.brokers().values()) {
      broker.startup();
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    for (BrokerServer broker : cluster.brokers().values()) {
      while (broker.brokerState() != BrokerState.RUNNING) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("broker not running " + timeout + " after its restart: "
              + broker.brokerState());
        }
        Thread.sleep(100);
      }
    }
  }

  @Override
  public void close() {
    try {
      cluster.close();
    } catch (Exception e) {
      LOG.warn("embedded Kafka broker did not close cleanly: {}", e.toString());
    }
  }
}
