package io.ticklake.testkit;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real single-node KRaft Kafka cluster (combined broker and controller) for integration tests.
 *
 * <p>The only class of ours that touches Kafka's internal {@code KafkaClusterTestKit} API, so an
 * upgrade of Kafka that changes it is mended here and nowhere else.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private final KafkaClusterTestKit cluster;

  private EmbeddedKafka(KafkaClusterTestKit cluster) {
    this.cluster = cluster;
  }

  /** Starts a one-node cluster with the given broker settings and waits until it serves. */
  public static EmbeddedKafka start(Map<String, String> brokerConfig) {
    try {
      KafkaClusterTestKit.Builder builder =
          new KafkaClusterTestKit.Builder(
              new TestKitNodes.Builder()
                  .setCombined(true)
                  .setNumBrokerNodes(1)
                  .setNumControllerNodes(1)
                  .build());
      // Single node: internal topics (transactions, offsets) must not ask for more replicas.
      builder.setConfigProp("offsets.topic.replication.factor", "1");
      builder.setConfigProp("transaction.state.log.replication.factor", "1");
      builder.setConfigProp("transaction.state.log.min.isr", "1");
      builder.setConfigProp("group.initial.rebalance.delay.ms", "0");
      brokerConfig.forEach(builder::setConfigProp);
      KafkaClusterTestKit kit = builder.build();
      kit.format();
      kit.startup();
      kit.waitForReadyBrokers();
      return new EmbeddedKafka(kit);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the embedded broker", e);
    } catch (Exception e) {
      throw new IllegalStateException("embedded Kafka broker failed to start", e);
    }
  }

  /** Starts a one-node cluster with default settings. */
  public static EmbeddedKafka start() {
    return start(Map.of());
  }

  /** The bootstrap servers string for clients. */
  public String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  /** A new admin client; the caller closes it. */
  public Admin admin() {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    return Admin.create(p);
  }

  @Override
  public void close() {
    try {
      cluster.close();
    } catch (Exception e) {
      throw new IllegalStateException("embedded Kafka broker failed to stop cleanly", e);
    }
  }
}
