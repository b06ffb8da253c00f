package io.ticklake.bench.producer;

import io.ticklake.registry.RegistryConfig;
import io.ticklake.registry.RegistryServer;
import io.ticklake.testkit.EmbeddedKafka;
import java.io.IOException;
import java.util.Map;

/**
 * The real parts a harness measures against: a KRaft broker from the test kit and our schema
 * registry on it, both on free ports, so harnesses run beside other builds.
 */
public final class LocalBroker implements AutoCloseable {
  private final EmbeddedKafka kafka;
  private final RegistryServer registry;

  private LocalBroker(EmbeddedKafka kafka, RegistryServer registry) {
    this.kafka = kafka;
    this.registry = registry;
  }

  /** Starts a broker and a registry and waits until both serve. */
  public static LocalBroker start() throws IOException {
    return start(Map.of());
  }

  /** As {@link #start()}, with these broker settings. */
  public static LocalBroker start(Map<String, String> brokerConfig) throws IOException {
    EmbeddedKafka kafka = EmbeddedKafka.start(brokerConfig);
    try {
      RegistryServer registry =
          new RegistryServer(
                  new RegistryConfig(
                      Map.of(
                          RegistryConfig.LISTENERS_CONFIG, "http://127.0.0.1:0",
                          RegistryConfig.KAFKASTORE_BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers())))
              .start();
      return new LocalBroker(kafka, registry);
    } catch (IOException | RuntimeException e) {
      kafka.close();
      throw e;
    }
  }

  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  public String registryUrl() {
    return registry.url();
  }

  public EmbeddedKafka kafka() {
    return kafka;
  }

  @Override
  public void close() {
    try {
      registry.close();
    } finally {
      kafka.close();
    }
  }
}
