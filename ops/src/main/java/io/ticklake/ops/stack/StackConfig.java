package io.ticklake.ops.stack;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Settings of the local stack: where state lives, which ports the embedded parts listen on, and
 * which endpoints point at external infrastructure instead (then nothing is started for them).
 *
 * <p>Sources, later ones winning: built-in defaults, the config file ({@code --config}, default
 * {@code <data dir>/../ticklake.properties} when present), environment variables ({@code
 * TICKLAKE_} + the key upper-cased with dots as underscores, e.g. {@code
 * TICKLAKE_KAFKA_BOOTSTRAP_SERVERS}), then command-line flags.
 */
public final class StackConfig {
  public static final String DATA_DIR_CONFIG = "data.dir";
  public static final String BIND_ADDRESS_CONFIG = "bind.address";
  public static final String KAFKA_PORT_CONFIG = "kafka.port";
  public static final String KAFKA_CONTROLLER_PORT_CONFIG = "kafka.controller.port";
  public static final String REGISTRY_PORT_CONFIG = "registry.port";
  public static final String CONNECT_PORT_CONFIG = "connect.port";
  public static final String S3_PORT_CONFIG = "s3.port";
  public static final String HTTP_PORT_CONFIG = "http.port";
  public static final String KAFKA_BOOTSTRAP_CONFIG = "kafka.bootstrap.servers";
  public static final String REGISTRY_URL_CONFIG = "schema.registry.url";
  public static final String CONNECT_URL_CONFIG = "connect.url";
  public static final String S3_ENDPOINT_CONFIG = "s3.endpoint";
  public static final String S3_ACCESS_KEY_CONFIG = "s3.access.key.id";
  public static final String S3_SECRET_KEY_CONFIG = "s3.secret.access.key";
  public static final String S3_BUCKET_CONFIG = "s3.bucket.name";
  public static final String S3_REGION_CONFIG = "s3.region";
  public static final String VENUES_CONFIG = "venues";
  public static final String READY_TIMEOUT_CONFIG = "ready.timeout.seconds";
  public static final String SIMULATE_CONFIG = "simulate";
  public static final String SIMULATE_CAPTURE_CONFIG = "simulate.capture";
  public static final String SIMULATE_SNAPSHOTS_CONFIG = "simulate.snapshots";
  public static final String SIMULATE_SPEED_CONFIG = "simulate.speed";
  public static final String SIMULATOR_PORT_CONFIG = "simulator.port";
  public static final String COLLECTOR_ENABLED_CONFIG = "collector.enabled";
  public static final String SYMBOLS_CONFIG = "symbols";
  public static final String LAKE_CONNECTOR_CONFIG = "lake.connector";
  public static final String STREAMS_ENABLED_CONFIG = "streams.enabled";
  public static final String STREAMS_PORT_CONFIG = "streams.port";
  public static final String STREAMS_GUARANTEE_CONFIG = "streams.processing.guarantee";

  /** Every key with its default ({@code ""}: unset) and doc, in README order. */
  public static final Map<String, String[]> KEYS = new LinkedHashMap<>();

  static {
    key(DATA_DIR_CONFIG, "./data", "All state: Kafka logs, S3 objects, logs, pid files.");
    key(BIND_ADDRESS_CONFIG, "127.0.0.1", "Address the embedded parts listen on.");
    key(KAFKA_PORT_CONFIG, "9092", "Embedded Kafka broker port.");
    key(KAFKA_CONTROLLER_PORT_CONFIG, "9093", "Embedded KRaft controller port.");
    key(REGISTRY_PORT_CONFIG, "8081", "Embedded schema registry port.");
    key(CONNECT_PORT_CONFIG, "8083", "Embedded Kafka Connect REST port.");
    key(S3_PORT_CONFIG, "9000", "Embedded S3 store (S3Proxy) port.");
    key(HTTP_PORT_CONFIG, "8088", "ticklake's own HTTP port (health, status).");
    key(KAFKA_BOOTSTRAP_CONFIG, "", "External Kafka: when set, no broker is started.");
    key(REGISTRY_URL_CONFIG, "", "External schema registry: when set, none is started.");
    key(CONNECT_URL_CONFIG, "", "External Kafka Connect REST URL: when set, no worker is started.");
    key(S3_ENDPOINT_CONFIG, "", "External S3 endpoint: when set, no S3Proxy is started.");
    key(S3_ACCESS_KEY_CONFIG, "ticklake", "S3 access key id (env TICKLAKE_S3_ACCESS_KEY_ID).");
    key(S3_SECRET_KEY_CONFIG, "ticklake-local-secret", "S3 secret (env only; never logged).");
    key(S3_BUCKET_CONFIG, "ticklake", "Bucket of the Parquet lake; created when missing.");
    key(S3_REGION_CONFIG, "us-east-1", "S3 region.");
    key(VENUES_CONFIG, "binance-usdm", "Venues whose raw topics are created (comma-separated).");
    key(READY_TIMEOUT_CONFIG, "180", "How long up waits for each part to be ready.");
    key(SYMBOLS_CONFIG, "BTCUSDT,ETHUSDT,BNBUSDT,XRPUSDT,ADAUSDT,SOLUSDT", "Symbols to collect.");
    key(COLLECTOR_ENABLED_CONFIG, "true", "Run the Binance USD-M collector (real venue by default).");
    key(SIMULATE_CONFIG, "false", "Run the collector on the venue simulator (also --simulate).");
    key(SIMULATE_CAPTURE_CONFIG, "", "Capture the simulator replays (also --replay); default: demo.");
    key(SIMULATE_SNAPSHOTS_CONFIG, "", "REST depth snapshots (JSONL) for the capture (--snapshots).");
    key(SIMULATE_SPEED_CONFIG, "1", "Replay speed: 1 is the recorded pace, 10 ten times faster.");
    key(SIMULATOR_PORT_CONFIG, "8765", "Port of the venue simulator.");
    key(LAKE_CONNECTOR_CONFIG, "true", "Create the Parquet lake sink connector on up.");
    key(STREAMS_ENABLED_CONFIG, "true", "Run the Kafka Streams app (features and the query API).");
    key(STREAMS_PORT_CONFIG, "8090", "Port of the Streams app's own query server (proxied on http.port).");
    key(STREAMS_GUARANTEE_CONFIG, "exactly_once_v2", "processing.guarantee of the Streams app.");
  }

  private static void key(String name, String def, String doc) {
    KEYS.put(name, new String[] {def, doc});
  }

  private final Map<String, String> values;

  private StackConfig(Map<String, String> values) {
    this.values = values;
  }

  /**
   * Resolves the settings.
   *
   * @param configFile a properties file, or {@code null}
   * @param env the environment ({@code System.getenv()})
   * @param flags command-line overrides
   */
  public static StackConfig load(Path configFile, Map<String, String> env, Map<String, String> flags)
      throws IOException {
    Map<String, String> v = new LinkedHashMap<>();
    KEYS.forEach((k, d) -> v.put(k, d[0]));
    if (configFile != null) {
      Properties p = new Properties();
      try (Reader r = Files.newBufferedReader(configFile)) {
        p.load(r);
      }
      for (String k : p.stringPropertyNames()) {
        v.put(k, p.getProperty(k).trim());
      }
    }
    for (String k : KEYS.keySet()) {
      String e = env.get(envName(k));
      if (e != null) {
        v.put(k, e.trim());
      }
    }
    v.putAll(flags);
    StackConfig c = new StackConfig(v);
    c.validate();
    return c;
  }

  /** The environment variable that overrides a key. */
  public static String envName(String key) {
    return "TICKLAKE_" + key.toUpperCase(Locale.ROOT).replace('.', '_');
  }

  private void validate() {
    for (String k : values.keySet()) {
      if (!KEYS.containsKey(k)) {
        throw new IllegalArgumentException("unknown configuration key '" + k + "'");
      }
    }
    for (String k :
        List.of(
            KAFKA_PORT_CONFIG,
            KAFKA_CONTROLLER_PORT_CONFIG,
            REGISTRY_PORT_CONFIG,
            CONNECT_PORT_CONFIG,
            S3_PORT_CONFIG,
            HTTP_PORT_CONFIG,
            SIMULATOR_PORT_CONFIG,
            STREAMS_PORT_CONFIG)) {
      int port = intValue(k);
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException(k + " must be a port between 1 and 65535, got " + port);
      }
    }
    for (String k : List.of(SIMULATE_CONFIG, COLLECTOR_ENABLED_CONFIG, LAKE_CONNECTOR_CONFIG, STREAMS_ENABLED_CONFIG)) {
      flag(k);
    }
    String guarantee = values.get(STREAMS_GUARANTEE_CONFIG);
    if (!List.of("exactly_once_v2", "at_least_once").contains(guarantee)) {
      throw new IllegalArgumentException(
          STREAMS_GUARANTEE_CONFIG + " must be exactly_once_v2 or at_least_once, got '" + guarantee + "'");
    }
    try {
      if (!(Double.parseDouble(values.get(SIMULATE_SPEED_CONFIG)) > 0)) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          SIMULATE_SPEED_CONFIG + " must be a number above 0, got '" + values.get(SIMULATE_SPEED_CONFIG) + "'");
    }
    if (intValue(READY_TIMEOUT_CONFIG) < 1) {
      throw new IllegalArgumentException(READY_TIMEOUT_CONFIG + " must be at least 1");
    }
    if (venues().isEmpty()) {
      throw new IllegalArgumentException(VENUES_CONFIG + " must name at least one venue");
    }
  }

  private int intValue(String k) {
    try {
      return Integer.parseInt(values.get(k));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          k + " must be a whole number, got '" + values.get(k) + "'", e);
    }
  }

  public String get(String key) {
    return values.get(key);
  }

  public int port(String key) {
    return intValue(key);
  }

  public Path dataDir() {
    return Path.of(values.get(DATA_DIR_CONFIG)).toAbsolutePath().normalize();
  }

  public String bindAddress() {
    return values.get(BIND_ADDRESS_CONFIG);
  }

  public boolean embeddedKafka() {
    return values.get(KAFKA_BOOTSTRAP_CONFIG).isEmpty();
  }

  public boolean embeddedRegistry() {
    return values.get(REGISTRY_URL_CONFIG).isEmpty();
  }

  public boolean embeddedConnect() {
    return values.get(CONNECT_URL_CONFIG).isEmpty();
  }

  public boolean embeddedS3() {
    return values.get(S3_ENDPOINT_CONFIG).isEmpty();
  }

  public String bootstrapServers() {
    return embeddedKafka()
        ? bindAddress() + ":" + port(KAFKA_PORT_CONFIG)
        : values.get(KAFKA_BOOTSTRAP_CONFIG);
  }

  public String registryUrl() {
    return embeddedRegistry()
        ? "http://" + bindAddress() + ":" + port(REGISTRY_PORT_CONFIG)
        : values.get(REGISTRY_URL_CONFIG);
  }

  public String connectUrl() {
    return embeddedConnect()
        ? "http://" + bindAddress() + ":" + port(CONNECT_PORT_CONFIG)
        : values.get(CONNECT_URL_CONFIG);
  }

  public String s3Endpoint() {
    return embeddedS3()
        ? "http://" + bindAddress() + ":" + port(S3_PORT_CONFIG)
        : values.get(S3_ENDPOINT_CONFIG);
  }

  public String httpUrl() {
    return "http://" + bindAddress() + ":" + port(HTTP_PORT_CONFIG);
  }

  /** Base URL of the Streams app's query server (embedded; proxied under {@link #httpUrl()}). */
  public String streamsUrl() {
    return "http://" + bindAddress() + ":" + port(STREAMS_PORT_CONFIG);
  }

  public List<String> venues() {
    List<String> out = new ArrayList<>();
    Arrays.stream(values.get(VENUES_CONFIG).split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .forEach(out::add);
    return out;
  }

  public boolean flag(String key) {
    String v = values.get(key);
    if (!"true".equalsIgnoreCase(v) && !"false".equalsIgnoreCase(v)) {
      throw new IllegalArgumentException(key + " must be true or false, got '" + v + "'");
    }
    return Boolean.parseBoolean(v);
  }

  /** A printable view with secrets masked. */
  public Map<String, String> redacted() {
    Map<String, String> out = new LinkedHashMap<>(values);
    out.computeIfPresent(S3_SECRET_KEY_CONFIG, (k, v) -> v.isEmpty() ? v : "******");
    return out;
  }
}
