package io.ticklake.ops.stack;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;

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
  public static final String SIMULATE_LOOP_SECONDS_CONFIG = "simulate.loop.seconds";
  public static final String SIMULATE_LOOP_CONFIG = "simulate.loop";
  public static final String SIMULATE_CLOCK_CONFIG = "simulate.clock";
  public static final String SIMULATE_UNSUBSCRIBED_CONFIG = "simulate.unsubscribed";
  public static final String SIMULATOR_PORT_CONFIG = "simulator.port";
  public static final String COLLECTOR_ENABLED_CONFIG = "collector.enabled";
  public static final String SYMBOLS_CONFIG = "symbols";
  public static final String LAKE_CONNECTOR_CONFIG = "lake.connector";
  public static final String HEALTH_CHECK_INTERVAL_CONFIG = "health.check.interval.ms";
  public static final String HEALTH_DEGRADED_FAILURES_CONFIG = "health.degraded.failures";
  public static final String HEALTH_DOWN_FAILURES_CONFIG = "health.down.failures";
  public static final String HEALTH_WINDOW_CONFIG = "health.failure.window.minutes";
  public static final String HEALTH_RECOVERY_SUCCESSES_CONFIG = "health.recovery.successes";
  public static final String HEALTH_SUMMARY_INTERVAL_CONFIG = "health.summary.interval.seconds";
  public static final String ALERT_WEBHOOK_URL_CONFIG = "alert.webhook.url";

  public static final String HTTP_BIND_CONFIG = "http.bind";
  public static final String RUN_HOURS_CONFIG = "run.hours";
  public static final String FEATURES_WIN_SECS_CONFIG = "features.win.secs";
  public static final String FEATURES_ACTIVE_TPS_CONFIG = "features.active.tps";
  public static final String VALIDATE_INTERVAL_MIN_CONFIG = "validate.interval.min";
  public static final String DQ_FAIL_MAX_TOL_CONFIG = "dq.fail.max.tol";
  public static final String DQ_LATENCY_P99_MAX_MS_CONFIG = "dq.latency.p99.max.ms";
  public static final String DQ_COMPLETENESS_MIN_CONFIG = "dq.completeness.min";
  public static final String DQ_DUPLICATES_MAX_CONFIG = "dq.duplicates.max";
  public static final String DQ_REGIMES_MIN_CONFIG = "dq.regimes.min";
  public static final String SYMBOLS_POLL_MS_CONFIG = "symbols.poll.ms";

  /**
   * Prefix of Kafka client settings (security above all: {@code security.protocol}, {@code sasl.*},
   * {@code ssl.*}) handed, without the prefix, to every Kafka client the stack creates: its admin
   * clients and probes, the collector's producers, the Connect worker and its tasks, the registry's
   * store and the data-quality consumer.
   */
  public static final String KAFKA_CLIENT_PREFIX = "kafka.client.";

  public static final String STREAMS_ENABLED_CONFIG = "streams.enabled";
  public static final String STREAMS_PORT_CONFIG = "streams.port";
  public static final String STREAMS_GUARANTEE_CONFIG = "streams.processing.guarantee";
  public static final String STREAMS_APPLICATION_ID_CONFIG = "streams.application.id";

  /** Every key with its default ({@code ""}: unset) and doc, in README order. */
  public static final Map<String, String[]> KEYS = new LinkedHashMap<>();

  /** The accepted form of each key's value; a value outside it is refused at load. */
  private static final Map<String, Check> CHECKS = new LinkedHashMap<>();

  /**
   * Environment variables of the short names (as the people who run the stack know them),
   * accepted beside the {@code TICKLAKE_*} form; {@code TICKLAKE_*} wins when both are set.
   */
  public static final Map<String, String> ENV_ALIASES = new LinkedHashMap<>();

  private static final Pattern SYMBOL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/:-]{0,63}");
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.:\\[\\]-]+");

  private static final Check ANY = v -> null;
  private static final Check NON_EMPTY = v -> v.isEmpty() ? "a non-empty value" : null;
  private static final Check BOOL =
      v -> "true".equalsIgnoreCase(v) || "false".equalsIgnoreCase(v) ? null : "true or false";

  static {
    key(DATA_DIR_CONFIG, "./data", "All state: Kafka logs, S3 objects, logs, pid files.", NON_EMPTY);
    key(BIND_ADDRESS_CONFIG, "127.0.0.1", "Address the embedded parts listen on.", host());
    key(KAFKA_PORT_CONFIG, "9092", "Embedded Kafka broker port.", port(), "KAFKA_PORT");
    key(KAFKA_CONTROLLER_PORT_CONFIG, "9093", "Embedded KRaft controller port.", port());
    key(REGISTRY_PORT_CONFIG, "8081", "Embedded schema registry port.", port(), "REGISTRY_PORT");
    key(CONNECT_PORT_CONFIG, "8083", "Embedded Kafka Connect REST port.", port(), "CONNECT_PORT");
    key(S3_PORT_CONFIG, "9000", "Embedded S3 store (S3Proxy) port.", port(), "S3_PORT");
    key(HTTP_PORT_CONFIG, "8088", "ticklake's own HTTP port (health, status).", port(), "HTTP_PORT");
    key(HTTP_BIND_CONFIG, "127.0.0.1", "Address ticklake's HTTP endpoints bind to.", host(), "HTTP_BIND");
    key(KAFKA_BOOTSTRAP_CONFIG, "", "External Kafka: when set, no broker is started.", hostPorts());
    key(REGISTRY_URL_CONFIG, "", "External schema registry: when set, none is started.", urls("http", "https"));
    key(CONNECT_URL_CONFIG, "", "External Kafka Connect REST URL: when set, no worker is started.", urls("http", "https"));
    key(S3_ENDPOINT_CONFIG, "", "External S3 endpoint: when set, no S3Proxy is started.", urls("http", "https"));
    key(S3_ACCESS_KEY_CONFIG, "ticklake", "S3 access key id (env TICKLAKE_S3_ACCESS_KEY_ID).", NON_EMPTY);
    key(S3_SECRET_KEY_CONFIG, "ticklake-local-secret", "S3 secret (env only; never logged).", NON_EMPTY);
    key(S3_BUCKET_CONFIG, "ticklake", "Bucket of the Parquet lake; created when missing.", bucket());
    key(S3_REGION_CONFIG, "us-east-1", "S3 region.", NON_EMPTY);
    key(VENUES_CONFIG, "", "Venues to collect (comma-separated ids); empty: every registered venue, or with --replay the replayed ones.",
        v -> v.isEmpty() ? null : list(Pattern.compile("[a-z0-9-]+"), "venue ids").problem(v));
    key(READY_TIMEOUT_CONFIG, "180", "How long up waits for each part to be ready.", intRange(1, 3600));
    key(SYMBOLS_CONFIG, "", "Symbols of the venue the short names are for (venue.<id>.symbols for any venue); empty: the venue's defaults, or with --simulate the capture's.",
        v -> v.isEmpty() ? null : list(SYMBOL, "venue-native symbols").problem(v), "SYMBOLS");
    key(SYMBOLS_POLL_MS_CONFIG, "1000", "How often the collector looks for a reloaded symbol list.", intRange(100, 600_000));
    key(COLLECTOR_ENABLED_CONFIG, "true", "Run a collector per venue (the real venue unless simulate).", BOOL);
    key(SIMULATE_CONFIG, "false", "Run every venue's collector on a venue simulator (also --simulate).", BOOL);
    key(SIMULATE_CAPTURE_CONFIG, "", "A capture to replay, played by the venue that recognizes it (--replay FILE; per venue: venue.<id>.simulate.capture, --replay VENUE=FILE); default: each venue's shipped capture.", ANY);
    key(SIMULATE_SNAPSHOTS_CONFIG, "", "REST snapshots (JSONL) of one symbol for that capture (--snapshots); by default those recorded beside it are found by name.", ANY);
    key(SIMULATE_LOOP_CONFIG, "auto", "Loop the replayed captures, ids and times shifted so every chain continues: auto loops the shipped captures and plays a --replay once; true or false for all.",
        v -> List.of("auto", "true", "false").contains(v) ? null : "auto, true or false");
    key(SIMULATE_SPEED_CONFIG, "1", "Replay speed: 1 is the recorded pace, 10 ten times faster.", positive());
    key(SIMULATE_LOOP_SECONDS_CONFIG, "0", "How much recorded time a looping capture covers (also --loop-seconds, which turns looping on); 0: until stopped.", intRange(0, 366L * 86_400));
    key(SIMULATE_CLOCK_CONFIG, "auto", "The times a looped capture plays at: now (as if it had looped since it was recorded, so every venue plays today and ids carry on across restarts), recorded (its loop 0 first), auto: now when it loops until stopped at speed 1; now needs simulate.speed=1.",
        v -> List.of("auto", "now", "recorded").contains(v) ? null : "auto, now or recorded");
    key(SIMULATE_UNSUBSCRIBED_CONFIG, "auto", "What a simulated venue does while its collector is away (after it first subscribed): play (on, as a real venue does: a collector that was down misses those frames and fetches them back over REST; the crash drill), hold (waits for it, so nothing is missed), auto: play on today's clock, hold otherwise.",
        v -> List.of("auto", "play", "hold").contains(v) ? null : "auto, play or hold");
    key(SIMULATOR_PORT_CONFIG, "8765", "Port of the first venue's simulator; the next venues take the next ports.", port(), "SIMULATOR_PORT");
    key(LAKE_CONNECTOR_CONFIG, "true", "Create the Parquet lake sink connector on up.", BOOL);
    key(RUN_HOURS_CONFIG, "0", "Stop cleanly after this many hours; 0 runs until stopped.", doubleRange(0, 100_000), "RUN_HOURS");
    key(FEATURES_WIN_SECS_CONFIG, "300", "Window of the regime labels' trades-per-second, seconds.", intRange(60, 86_400), "WIN_SECS");
    key(FEATURES_ACTIVE_TPS_CONFIG, "1.0", "Trades per second at or above which a minute is active (A_*).", doubleRange(0, 1_000_000), "ACTIVE_TPS");
    key(VALIDATE_INTERVAL_MIN_CONFIG, "60", "Minutes between data-quality validations; 0 turns them off.", intRange(0, 10_080), "VALIDATE_INTERVAL_MIN");
    key(DQ_FAIL_MAX_TOL_CONFIG, "2", "Consecutive failed validations that raise an alert.", intRange(1, 1000), "DQ_FAIL_MAX_TOL");
    key(DQ_LATENCY_P99_MAX_MS_CONFIG, "2000", "Latency check: p99 of receive minus event time, ms.", intRange(1, 3_600_000), "DQ_LATENCY_P99_MAX_MS");
    key(DQ_COMPLETENESS_MIN_CONFIG, "0.999", "Completeness check: share of trade ids present.", doubleRange(0, 1), "DQ_COMPLETENESS_MIN");
    key(DQ_DUPLICATES_MAX_CONFIG, "0", "Duplicates check: repeated trade ids allowed per window.", intRange(0, Integer.MAX_VALUE), "DQ_DUPLICATES_MAX");
    key(DQ_REGIMES_MIN_CONFIG, "1", "Coverage check: regime scenes (of A_H, A_L, Q_H, Q_L) a window must show.", intRange(0, 4), "DQ_REGIMES_MIN");
    key(HEALTH_CHECK_INTERVAL_CONFIG, "5000", "How often each venue's collector is probed for health, ms.", intRange(100, 3_600_000));
    key(HEALTH_DEGRADED_FAILURES_CONFIG, "3", "Failures within the window that make a venue DEGRADED.", intRange(1, 1_000_000));
    key(HEALTH_DOWN_FAILURES_CONFIG, "10", "Failures within the window that make a venue DOWN.", intRange(1, 1_000_000));
    key(HEALTH_WINDOW_CONFIG, "60", "The sliding window failures are counted in, minutes.", intRange(1, 10_080));
    key(HEALTH_RECOVERY_SUCCESSES_CONFIG, "3", "Consecutive successful probes that make a venue HEALTHY again.", intRange(1, 1_000_000));
    key(HEALTH_SUMMARY_INTERVAL_CONFIG, "30", "How often the per-venue health summary is logged, seconds.", intRange(1, 86_400));
    key(ALERT_WEBHOOK_URL_CONFIG, "", "Optional URL each alert is POSTed to as JSON (masked when printed).", urls("http", "https"));
    key(STREAMS_ENABLED_CONFIG, "true", "Run the Kafka Streams app (features and the query API).", BOOL);
    key(STREAMS_PORT_CONFIG, "8090", "Port of the Streams app's own query server (proxied on http.port).", port());
    key(STREAMS_GUARANTEE_CONFIG, "exactly_once_v2", "processing.guarantee of the Streams app.",
        v -> List.of("exactly_once_v2", "at_least_once").contains(v) ? null : "exactly_once_v2 or at_least_once");
    key(STREAMS_APPLICATION_ID_CONFIG, "ticklake-streams",
        "application.id of the Streams app: its consumer group, internal topics and state directory.",
        v -> Pattern.matches("[A-Za-z0-9._-]{1,200}", v) ? null : "letters, digits, '.', '_' and '-' (a Kafka topic prefix)");
  }

  /** Checks one value; returns {@code null} when it is acceptable, else the accepted form. */
  @FunctionalInterface
  interface Check {
    String problem(String value);
  }


  private static Check port() {
    return intRange(1, 65535);
  }

  private static Check intRange(long min, long max) {
    return v -> {
      try {
        long n = Long.parseLong(v);
        return n >= min && n <= max ? null : "a whole number from " + min + " to " + max;
      } catch (NumberFormatException e) {
        return "a whole number from " + min + " to " + max;
      }
    };
  }

  private static Check doubleRange(double min, double max) {
    String form = "a number from " + plain(min) + " to " + plain(max);
    return v -> {
      try {
        double d = Double.parseDouble(v);
        return d >= min && d <= max ? null : form;
      } catch (NumberFormatException e) {
        return form;
      }
    };
  }

  private static Check positive() {
    return v -> {
      try {
        return Double.parseDouble(v) > 0 ? null : "a number above 0";
      } catch (NumberFormatException e) {
        return "a number above 0";
      }
    };
  }

  private static String plain(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  private static Check host() {
    return v -> HOST.matcher(v).matches() ? null : "a host name or IP address, e.g. 127.0.0.1";
  }

  private static Check hostPorts() {
    return v -> {
      if (v.isEmpty()) {
        return null;
      }
      for (String hp : v.split(",")) {
        int colon = hp.trim().lastIndexOf(':');
        if (colon < 1 || intRange(1, 65535).problem(hp.trim().substring(colon + 1)) != null) {
          return "host:port[,host:port...], e.g. kafka-1:9092,kafka-2:9092";
        }
      }
      return null;
    };
  }

  private static Check urls(String... schemes) {
    String form = "a URL such as " + schemes[0] + "://host:port (or empty for the embedded part)";
    return v -> {
      if (v.isEmpty()) {
        return null;
      }
      for (String u : v.split(",")) {
        try {
          URI uri = new URI(u.trim());
          if (uri.getScheme() == null || !List.of(schemes).contains(uri.getScheme()) || uri.getHost() == null) {
            return form;
          }
        } catch (URISyntaxException e) {
          return form;
        }
      }
      return null;
    };
  }

  private static Check bucket() {
    Pattern p = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    return v -> p.matcher(v).matches() ? null : "an S3 bucket name: 3-63 of a-z, 0-9, '.', '-'";
  }

  private static Check list(Pattern item, String what) {
    return v -> {
      List<String> items = split(v);
      if (items.isEmpty()) {
        return "a comma-separated list of " + what + " (at least one)";
      }
      for (String i : items) {
        if (!item.matcher(i).matches()) {
          return "a comma-separated list of " + what + "; '" + i + "' is not one";
        }
      }
      return null;
    };
  }

  private static void key(String name, String def, String doc, Check check, String... aliases) {
    KEYS.put(name, new String[] {def, doc});
    CHECKS.put(name, check);
    for (String a : aliases) {
      ENV_ALIASES.put(a, name);
    }
  }

  private final Map<String, String> values;
  private final Path file;

  private StackConfig(Map<String, String> values, Path file) {
    this.values = values;
    this.file = file;
  }

  /**
   * Resolves the settings: defaults, then the file, then the short environment names
   * ({@link #ENV_ALIASES}), then {@code TICKLAKE_*} variables, then flags. Every value is checked;
   * the first one out of its form is refused with a message naming the key and the form.
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
    ENV_ALIASES.forEach(
        (alias, k) -> {
          String e = env.get(alias);
          if (e != null) {
            v.put(k, e.trim());
          }
        });
    for (String k : KEYS.keySet()) {
      String e = env.get(envName(k));
      if (e != null) {
        v.put(k, e.trim());
      }
    }
    // TICKLAKE_KAFKA_CLIENT_SASL_JAAS_CONFIG -> kafka.client.sasl.jaas.config (Kafka's client
    // keys are dotted lower case, so the mapping back is unambiguous).
    String envPrefix = envName(KAFKA_CLIENT_PREFIX);
    env.forEach(
        (name, value) -> {
          if (name.startsWith(envPrefix) && name.length() > envPrefix.length()) {
            v.put(
                KAFKA_CLIENT_PREFIX
                    + name.substring(envPrefix.length()).toLowerCase(Locale.ROOT).replace('_', '.'),
                value.trim());
          }
        });
    v.putAll(flags);
    StackConfig c = new StackConfig(v, configFile);
    c.validate();
    return c;
  }

  /** The environment variable that overrides a key. */
  public static String envName(String key) {
    return "TICKLAKE_" + key.toUpperCase(Locale.ROOT).replace('.', '_');
  }

  private void validate() {
    for (Map.Entry<String, String> e : values.entrySet()) {
      String k = e.getKey();
      if (k.startsWith(KAFKA_CLIENT_PREFIX) && k.length() > KAFKA_CLIENT_PREFIX.length()) {
        continue;
      }
      if (StackVenues.isVenueKey(k)) {
        continue; // checked against the venue's own keys below
      }
      if (!KEYS.containsKey(k)) {
        throw new IllegalArgumentException(
            "unknown configuration key '" + k + "' (see docs/configuration.md)");
      }
      String problem = CHECKS.get(k).problem(e.getValue());
      if (problem != null) {
        throw new IllegalArgumentException(
            k + " must be " + problem + ", got '" + (isSecret(k) ? "******" : e.getValue()) + "'");
      }
    }
    StackVenues.perVenueSettings(values);
    for (String id : venues()) {
      io.ticklake.producers.core.Venues.get(id);
    }
    String protocol = values.getOrDefault(KAFKA_CLIENT_PREFIX + "security.protocol", "PLAINTEXT");
    if (embeddedKafka() && !protocol.equalsIgnoreCase("PLAINTEXT")) {
      throw new IllegalArgumentException(
          KAFKA_CLIENT_PREFIX
              + "security.protocol must be PLAINTEXT (or unset) with the embedded broker, which"
              + " listens on localhost only; got '"
              + protocol
              + "'. Set kafka.bootstrap.servers to use a secured external cluster");
    }
    if (intValue(HEALTH_DOWN_FAILURES_CONFIG) <= intValue(HEALTH_DEGRADED_FAILURES_CONFIG)) {
      throw new IllegalArgumentException(
          HEALTH_DOWN_FAILURES_CONFIG + " must be above " + HEALTH_DEGRADED_FAILURES_CONFIG + ", got "
              + intValue(HEALTH_DOWN_FAILURES_CONFIG) + " <= " + intValue(HEALTH_DEGRADED_FAILURES_CONFIG));
    }
  }

  private static boolean isSecret(String key) {
    return key.equals(S3_SECRET_KEY_CONFIG)
        // Webhook URLs usually carry a token.
        || key.equals(ALERT_WEBHOOK_URL_CONFIG)
        || key.contains("password")
        || key.contains("jaas")
        || key.contains("secret");
  }

  private static List<String> split(String v) {
    List<String> out = new ArrayList<>();
    Arrays.stream(v.split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .forEach(out::add);
    return out;
  }

  private int intValue(String k) {
    return Integer.parseInt(values.get(k));
  }

  /** The file the settings were read from, or {@code null}; {@code reload} reads it again. */
  public Path file() {
    return file;
  }

  /** A whole-number setting. */
  public int intValueOf(String key) {
    return intValue(key);
  }

  /** A decimal setting. */
  public double doubleValue(String key) {
    return Double.parseDouble(values.get(key));
  }

  /**
   * The {@code kafka.client.*} settings without the prefix, to add to every Kafka client config
   * (security protocol, SASL, TLS, ...).
   */
  public Map<String, String> kafkaClientProperties() {
    Map<String, String> out = new TreeMap<>();
    values.forEach(
        (k, v) -> {
          if (k.startsWith(KAFKA_CLIENT_PREFIX)) {
            out.put(k.substring(KAFKA_CLIENT_PREFIX.length()), v);
          }
        });
    return out;
  }

  /** Bootstrap servers plus the {@code kafka.client.*} pass-through: a Kafka client's base config. */
  public Properties kafkaClientConfig() {
    Properties p = new Properties();
    p.putAll(kafkaClientProperties());
    p.put("bootstrap.servers", bootstrapServers());
    return p;
  }

  /** Every setting, for comparing two loads ({@code reload}); holds secrets, never log it. */
  public Map<String, String> values() {
    return Collections.unmodifiableMap(values);
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
    String bind = values.get(HTTP_BIND_CONFIG);
    String host = bind.equals("0.0.0.0") || bind.equals("::") ? "127.0.0.1" : bind;
    return "http://" + host + ":" + port(HTTP_PORT_CONFIG);
  }

  /** Base URL of the Streams app's query server (embedded; proxied under {@link #httpUrl()}). */
  public String streamsUrl() {
    return "http://" + bindAddress() + ":" + port(STREAMS_PORT_CONFIG);
  }

  public List<String> venues() {
    return split(values.get(VENUES_CONFIG));
  }

  /** The venue health thresholds. */
  public io.ticklake.ops.health.HealthThresholds healthThresholds() {
    return new io.ticklake.ops.health.HealthThresholds(
        intValue(HEALTH_DEGRADED_FAILURES_CONFIG),
        intValue(HEALTH_DOWN_FAILURES_CONFIG),
        java.time.Duration.ofMinutes(intValue(HEALTH_WINDOW_CONFIG)),
        intValue(HEALTH_RECOVERY_SUCCESSES_CONFIG));
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
    out.replaceAll((k, v) -> isSecret(k) && !v.isEmpty() ? "******" : v);
    return out;
  }
}
