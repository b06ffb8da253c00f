package io.ticklake.registry;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * Settings of {@link RegistryServer}, under Confluent's names. Any other {@code kafkastore.*}
 * setting (say {@code kafkastore.security.protocol}) is passed, without the prefix, to the Kafka
 * clients of the store.
 */
public class RegistryConfig extends AbstractConfig {

  public static final String LISTENERS_CONFIG = "listeners";
  public static final String LISTENERS_DEFAULT = "http://127.0.0.1:8081";
  private static final String LISTENERS_DOC =
      "The HTTP listener, http://host:port; port 0 picks a free port. Loopback by default: bind to"
          + " 0.0.0.0 on purpose only. Only the first of a comma-separated list is used.";

  public static final String KAFKASTORE_BOOTSTRAP_SERVERS_CONFIG = "kafkastore.bootstrap.servers";
  public static final String KAFKASTORE_BOOTSTRAP_SERVERS_DEFAULT = "localhost:9092";
  private static final String KAFKASTORE_BOOTSTRAP_SERVERS_DOC = "Kafka cluster that holds the registry's log.";

  public static final String KAFKASTORE_TOPIC_CONFIG = "kafkastore.topic";
  public static final String KAFKASTORE_TOPIC_DEFAULT = "_schemas";
  private static final String KAFKASTORE_TOPIC_DOC =
      "The compacted single-partition topic holding the registry's log; created if missing.";

  public static final String KAFKASTORE_TOPIC_REPLICATION_FACTOR_CONFIG = "kafkastore.topic.replication.factor";
  public static final short KAFKASTORE_TOPIC_REPLICATION_FACTOR_DEFAULT = 1;
  private static final String KAFKASTORE_TOPIC_REPLICATION_FACTOR_DOC =
      "Replication factor used when the topic is created (use 3 in production).";

  public static final String KAFKASTORE_TIMEOUT_MS_CONFIG = "kafkastore.timeout.ms";
  public static final int KAFKASTORE_TIMEOUT_MS_DEFAULT = 10_000;
  private static final String KAFKASTORE_TIMEOUT_MS_DOC =
      "How long a write, or catching up before one, may take before the request fails with 50002.";

  public static final String KAFKASTORE_INIT_TIMEOUT_MS_CONFIG = "kafkastore.init.timeout.ms";
  public static final int KAFKASTORE_INIT_TIMEOUT_MS_DEFAULT = 60_000;
  private static final String KAFKASTORE_INIT_TIMEOUT_MS_DOC =
      "How long start-up may take to read the log to its end before the server gives up.";

  public static final String SCHEMA_COMPATIBILITY_LEVEL_CONFIG = "schema.compatibility.level";
  public static final String SCHEMA_COMPATIBILITY_LEVEL_DEFAULT = "backward";
  private static final String SCHEMA_COMPATIBILITY_LEVEL_DOC =
      "The global compatibility level until one is set with PUT /config.";

  private static final String KAFKASTORE_PREFIX = "kafkastore.";

  private static final ConfigDef CONFIG =
      new ConfigDef()
          .define(LISTENERS_CONFIG, Type.STRING, LISTENERS_DEFAULT, Importance.HIGH, LISTENERS_DOC)
          .define(
              KAFKASTORE_BOOTSTRAP_SERVERS_CONFIG,
              Type.STRING,
              KAFKASTORE_BOOTSTRAP_SERVERS_DEFAULT,
              Importance.HIGH,
              KAFKASTORE_BOOTSTRAP_SERVERS_DOC)
          .define(KAFKASTORE_TOPIC_CONFIG, Type.STRING, KAFKASTORE_TOPIC_DEFAULT, Importance.HIGH, KAFKASTORE_TOPIC_DOC)
          .define(
              KAFKASTORE_TOPIC_REPLICATION_FACTOR_CONFIG,
              Type.SHORT,
              KAFKASTORE_TOPIC_REPLICATION_FACTOR_DEFAULT,
              ConfigDef.Range.atLeast(1),
              Importance.MEDIUM,
              KAFKASTORE_TOPIC_REPLICATION_FACTOR_DOC)
          .define(
              KAFKASTORE_TIMEOUT_MS_CONFIG,
              Type.INT,
              KAFKASTORE_TIMEOUT_MS_DEFAULT,
              ConfigDef.Range.atLeast(1),
              Importance.LOW,
              KAFKASTORE_TIMEOUT_MS_DOC)
          .define(
              KAFKASTORE_INIT_TIMEOUT_MS_CONFIG,
              Type.INT,
              KAFKASTORE_INIT_TIMEOUT_MS_DEFAULT,
              ConfigDef.Range.atLeast(1),
              Importance.LOW,
              KAFKASTORE_INIT_TIMEOUT_MS_DOC)
          .define(
              SCHEMA_COMPATIBILITY_LEVEL_CONFIG,
              Type.STRING,
              SCHEMA_COMPATIBILITY_LEVEL_DEFAULT,
              Importance.MEDIUM,
              SCHEMA_COMPATIBILITY_LEVEL_DOC);

  public RegistryConfig(Map<String, ?> originals) {
    super(CONFIG, originals, false);
    compatibilityLevel();
    listenerUri();
  }

  /**
   * Settings from, lowest precedence first: defaults, the properties file (if a path is given),
   * environment variables {@code SCHEMA_REGISTRY_<KEY>} ({@code SCHEMA_REGISTRY_KAFKASTORE_TOPIC}
   * for {@code kafkastore.topic}, as Confluent's images read them), then system properties of
   * known names.
   */
  public static RegistryConfig load(Path propertiesFile, Map<String, String> env, Properties system)
      throws IOException {
    Map<String, Object> settings = new HashMap<>();
    if (propertiesFile != null) {
      Properties file = new Properties();
      try (InputStream in = Files.newInputStream(propertiesFile)) {
        file.load(in);
      }
      file.stringPropertyNames().forEach(name -> settings.put(name, file.getProperty(name)));
    }
    env.forEach(
        (name, value) -> {
          if (name.startsWith("SCHEMA_REGISTRY_")) {
            settings.put(name.substring("SCHEMA_REGISTRY_".length()).toLowerCase(Locale.ROOT).replace('_', '.'), value);
          }
        });
    for (String name : system.stringPropertyNames()) {
      if (CONFIG.names().contains(name) || name.startsWith(KAFKASTORE_PREFIX)) {
        settings.put(name, system.getProperty(name));
      }
    }
    return new RegistryConfig(settings);
  }

  /** The listener as a URI ({@code http} only). */
  public URI listenerUri() {
    String first = getString(LISTENERS_CONFIG).split(",")[0].trim();
    URI uri = URI.create(first);
    if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 0) {
      throw new ConfigException(LISTENERS_CONFIG, first, "expected http://host:port");
    }
    return uri;
  }

  public String topic() {
    return getString(KAFKASTORE_TOPIC_CONFIG);
  }

  public short replicationFactor() {
    return getShort(KAFKASTORE_TOPIC_REPLICATION_FACTOR_CONFIG);
  }

  public Duration storeTimeout() {
    return Duration.ofMillis(getInt(KAFKASTORE_TIMEOUT_MS_CONFIG));
  }

  public Duration initTimeout() {
    return Duration.ofMillis(getInt(KAFKASTORE_INIT_TIMEOUT_MS_CONFIG));
  }

  public CompatibilityLevel compatibilityLevel() {
    try {
      return CompatibilityLevel.parse(getString(SCHEMA_COMPATIBILITY_LEVEL_CONFIG));
    } catch (RegistryException e) {
      throw new ConfigException(SCHEMA_COMPATIBILITY_LEVEL_CONFIG, getString(SCHEMA_COMPATIBILITY_LEVEL_CONFIG), e.getMessage());
    }
  }

  /** Kafka client settings for the store: bootstrap servers plus other {@code kafkastore.*} keys. */
  public Map<String, Object> kafkaClientConfig() {
    Map<String, Object> out = new HashMap<>();
    originalsWithPrefix(KAFKASTORE_PREFIX)
        .forEach(
            (name, value) -> {
              if (!CONFIG.names().contains(KAFKASTORE_PREFIX + name)) {
                out.put(name, value);
              }
            });
    out.put("bootstrap.servers", getString(KAFKASTORE_BOOTSTRAP_SERVERS_CONFIG));
    return out;
  }
}
