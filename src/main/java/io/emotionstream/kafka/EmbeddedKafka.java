package io.emotionstream.kafka;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka cluster in this JVM (KRaft, one combined broker + controller), from
 * Kafka's own server jars. Used by {@code demo} and by the integration tests; ready in a few
 * seconds, its data lives in a temporary directory removed on close.
 */
public final class EmbeddedKafka implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

  private final KafkaClusterTestKit cluster;

  private EmbeddedKafka(KafkaClusterTestKit cluster) {
    this.cluster = cluster;
  }

  /** Formats the storage, starts the node and waits until the broker accepts clients. */
  public static EmbeddedKafka start() {
    long t0 = System.nanoTime();
    try {
      Path dir = Files.createTempDirectory("emotion-stream-kafka");
      TestKitNodes nodes = new TestKitNodes.Builder()
          .setCombined(true)
          .setNumBrokerNodes(1)
          .setNumControllerNodes(1)
          .setBaseDirectory(dir)
          .build();
      KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(nodes)
          .setConfigProp("offsets.topic.replication.factor", "1")
          .setConfigProp("transaction.state.log.replication.factor", "1")
          .setConfigProp("transaction.state.log.min.isr", "1")
          .setConfigProp("group.initial.rebalance.delay.ms", "0")
          .setConfigProp("num.partitions", "1")
          .setConfigProp("message.max.bytes", Integer.toString(20 * 1024 * 1024))
          .setDeleteOnClose(true)
          .build();
      // Kafka's storage formatter reports on System.out, which carries our commands' output
      PrintStream out = System.out;
      System.setOut(System.err);
      try {
        cluster.format();
      } finally {
        System.setOut(out);
      }
      cluster.startup();
      cluster.waitForReadyBrokers();
      EmbeddedKafka kafka = new EmbeddedKafka(cluster);
      LOG.info("Kafka broker (KRaft) ready at {} in {} ms", kafka.bootstrapServers(), (System.nanoTime() - t0) / 1_000_000);
      return kafka;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the embedded Kafka broker", e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the embedded Kafka broker: " + e.getMessage(), e);
    }
  }

  public String bootstrapServers() {
    return cluster.bootstrapServers();
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
