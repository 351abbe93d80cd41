package io.emotionstream.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import kafka.server.BrokerServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.metadata.BrokerState;

/**
 * A real single-node KRaft cluster in this JVM (Kafka's test kit, combined broker + controller)
 * whose broker can be stopped and started again on the same port and log directories while the
 * controller keeps running. The project's {@code EmbeddedKafka} cannot restart its broker. Used by
 * the chaos tests and the broker outage of the ingest tests.
 */
public final class RestartableBroker implements AutoCloseable {

  private final KafkaClusterTestKit cluster;
  private final String bootstrapServers;

  private RestartableBroker(KafkaClusterTestKit cluster) {
    this.cluster = cluster;
    this.bootstrapServers = cluster.bootstrapServers();
  }

  public static RestartableBroker start(Path dir) throws Exception {
    TestKitNodes nodes = new TestKitNodes.Builder()
        .setCombined(true)
        .setNumBrokerNodes(1)
        .setNumControllerNodes(1)
        .setBaseDirectory(dir)
        .build();
    KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(nodes)
        .setConfigProp("offsets.topic.replication.factor", "1")
        .setConfigProp("offsets.topic.num.partitions", "4")
        .setConfigProp("transaction.state.log.replication.factor", "1")
        .setConfigProp("transaction.state.log.min.isr", "1")
        .setConfigProp("transaction.state.log.num.partitions", "4")
        .setConfigProp("group.initial.rebalance.delay.ms", "0")
        // transactions of killed instances are aborted by timeout; look for them every second so
        // that read_committed readers are not held back for the broker's default 10 s
        .setConfigProp("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000")
        .setConfigProp("message.max.bytes", Integer.toString(20 * 1024 * 1024))
        .setDeleteOnClose(true)
        .build();
    java.io.PrintStream out = System.out;
    System.setOut(System.err);
    try {
      cluster.format();
    } finally {
      System.setOut(out);
    }
    cluster.startup();
    cluster.waitForReadyBrokers();
    return new RestartableBroker(cluster);
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  public Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000));
  }

  /** Controlled shutdown of the broker; the controller keeps running. */
  public void stopBroker() {
    for (BrokerServer broker : cluster.brokers().values()) {
      broker.shutdown();
      broker.awaitShutdown();
    }
  }

  /** Starts the broker again (same port, same log directories) and waits until it is RUNNING. */
  public void startBroker(Duration timeout) throws InterruptedException {
    for (BrokerServer broker : cluster.brokers().values()) {
      broker.startup();
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    for (BrokerServer broker : cluster.brokers().values()) {
      while (broker.brokerState() != BrokerState.RUNNING) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("broker not RUNNING " + timeout + " after restart: " + broker.brokerState());
        }
        Thread.sleep(100);
      }
    }
  }

  @Override
  public void close() throws Exception {
    cluster.close();
  }
}
