package io.ticklake.producers;

import io.ticklake.producers.binance.BinanceRestSnapshotClient;
import io.ticklake.producers.binance.BinanceUsdmSubscriptions;
import io.ticklake.producers.ws.ReconnectingWsClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * Settings of a venue collector. Only the endpoint URLs differ between the real venue and the
 * simulator. Keys not defined here that start with {@code producer.} are passed to the Kafka
 * producers without the prefix.
 */
public class CollectorConfig extends AbstractConfig {

  public static final String BOOTSTRAP_SERVERS_CONFIG = "bootstrap.servers";
  private static final String BOOTSTRAP_SERVERS_DOC = "Kafka brokers to write to.";

  public static final String SCHEMA_REGISTRY_URL_CONFIG = "schema.registry.url";
  private static final String SCHEMA_REGISTRY_URL_DOC = "Schema registry base URL(s) for the Avro wire-format serializer.";

  public static final String SYMBOLS_CONFIG = "symbols";
  public static final List<String> SYMBOLS_DEFAULT = BinanceUsdmSubscriptions.DEFAULT_SYMBOLS;
  private static final String SYMBOLS_DOC = "Venue-native symbols to collect, comma-separated.";

  public static final String CHANNELS_CONFIG = "channels";
  public static final List<String> CHANNELS_DEFAULT = BinanceUsdmSubscriptions.DEFAULT_CHANNELS;
  private static final String CHANNELS_DOC =
      "Channels to subscribe: aggTrade, trade, bookTicker, depth (= depth@100ms), depth@0ms, depth@250ms, depth@500ms.";

  public static final String WS_URL_CONFIG = "ws.url";
  public static final String WS_URL_DEFAULT = "wss://fstream.binance.com/stream";
  private static final String WS_URL_DOC = "Combined-stream WebSocket endpoint; the streams are appended as ?streams=a/b/c.";

  public static final String REST_URL_CONFIG = "rest.url";
  public static final String REST_URL_DEFAULT = "https://fapi.binance.com";
  private static final String REST_URL_DOC = "REST base URL for depth snapshots.";

  public static final String WS_IDLE_TIMEOUT_MS_CONFIG = "ws.idle.timeout.ms";
  public static final long WS_IDLE_TIMEOUT_MS_DEFAULT = ReconnectingWsClient.Config.IDLE_TIMEOUT_DEFAULT.toMillis();
  private static final String WS_IDLE_TIMEOUT_MS_DOC = "Reconnect when no data frame arrived for this long.";

  public static final String WS_ROTATE_INTERVAL_MS_CONFIG = "ws.rotate.interval.ms";
  public static final long WS_ROTATE_INTERVAL_MS_DEFAULT = ReconnectingWsClient.Config.ROTATE_AFTER_DEFAULT.toMillis();
  private static final String WS_ROTATE_INTERVAL_MS_DOC = "Planned reconnect before the venue's 24h disconnect.";

  public static final String WS_BACKOFF_MAX_MS_CONFIG = "ws.backoff.max.ms";
  public static final long WS_BACKOFF_MAX_MS_DEFAULT = ReconnectingWsClient.Config.MAX_BACKOFF_DEFAULT.toMillis();
  private static final String WS_BACKOFF_MAX_MS_DOC = "Cap on the reconnect delay (attempts are unlimited).";

  public static final String BOOK_SNAPSHOT_INTERVAL_MS_CONFIG = "book.snapshot.interval.ms";
  public static final long BOOK_SNAPSHOT_INTERVAL_MS_DEFAULT = 60_000L;
  private static final String BOOK_SNAPSHOT_INTERVAL_MS_DOC = "Emit every synced book whole (BookDelta snapshot=true) this often; 0 disables.";

  public static final String REST_WEIGHT_BUDGET_CONFIG = "rest.weight.budget";
  public static final int REST_WEIGHT_BUDGET_DEFAULT = BinanceRestSnapshotClient.WEIGHT_BUDGET_DEFAULT;
  private static final String REST_WEIGHT_BUDGET_DOC = "REST request weight allowed per minute; calls stop at 80% of it.";

  public static final String SYMBOLS_FILE_CONFIG = "symbols.file";
  private static final String SYMBOLS_FILE_DOC =
      "A properties file whose 'symbols' key, when present, replaces 'symbols' and is watched: a change is applied to the"
          + " running collector (live SUBSCRIBE/UNSUBSCRIBE, book syncs started and stopped) without a restart.";

  public static final String SYMBOLS_POLL_MS_CONFIG = "symbols.poll.ms";
  public static final long SYMBOLS_POLL_MS_DEFAULT = 1000L;
  private static final String SYMBOLS_POLL_MS_DOC = "How often symbols.file is checked for a change.";
  public static final String OPS_HTTP_ADDRESS_CONFIG = "ops.http.address";
  public static final String OPS_HTTP_ADDRESS_DEFAULT = "127.0.0.1";
  private static final String OPS_HTTP_ADDRESS_DOC = "Address of the collector's /metrics and /status endpoint.";

  public static final String OPS_HTTP_PORT_CONFIG = "ops.http.port";
  public static final int OPS_HTTP_PORT_DEFAULT = 0;
  private static final String OPS_HTTP_PORT_DOC = "Port of the /metrics and /status endpoint; 0 picks a free one; -1 serves none.";

  public static final String OPS_HTTP_URL_FILE_CONFIG = "ops.http.url.file";
  private static final String OPS_HTTP_URL_FILE_DOC =
      "File the endpoint's base URL is written to, for the supervisor to find it; empty: none.";

  public static final String BACKFILL_ENABLED_CONFIG = "backfill.enabled";
  private static final String BACKFILL_ENABLED_DOC =
      "Fill PENDING gaps of md.ops.gaps.v1 from the REST API (aggTrades or trades, klines), within the"
          + " same weight budget as the snapshots, and mark them FILLED or UNFILLABLE.";

  private static final ConfigDef CONFIG =
      new ConfigDef()
          .define(BOOTSTRAP_SERVERS_CONFIG, Type.STRING, Importance.HIGH, BOOTSTRAP_SERVERS_DOC)
          .define(SCHEMA_REGISTRY_URL_CONFIG, Type.STRING, Importance.HIGH, SCHEMA_REGISTRY_URL_DOC)
          .define(SYMBOLS_CONFIG, Type.LIST, SYMBOLS_DEFAULT, Importance.HIGH, SYMBOLS_DOC)
          .define(CHANNELS_CONFIG, Type.LIST, CHANNELS_DEFAULT, Importance.MEDIUM, CHANNELS_DOC)
          .define(WS_URL_CONFIG, Type.STRING, WS_URL_DEFAULT, Importance.MEDIUM, WS_URL_DOC)
          .define(REST_URL_CONFIG, Type.STRING, REST_URL_DEFAULT, Importance.MEDIUM, REST_URL_DOC)
          .define(WS_IDLE_TIMEOUT_MS_CONFIG, Type.LONG, WS_IDLE_TIMEOUT_MS_DEFAULT, Importance.LOW, WS_IDLE_TIMEOUT_MS_DOC)
          .define(WS_ROTATE_INTERVAL_MS_CONFIG, Type.LONG, WS_ROTATE_INTERVAL_MS_DEFAULT, Importance.LOW, WS_ROTATE_INTERVAL_MS_DOC)
          .define(WS_BACKOFF_MAX_MS_CONFIG, Type.LONG, WS_BACKOFF_MAX_MS_DEFAULT, Importance.LOW, WS_BACKOFF_MAX_MS_DOC)
          .define(BOOK_SNAPSHOT_INTERVAL_MS_CONFIG, Type.LONG, BOOK_SNAPSHOT_INTERVAL_MS_DEFAULT, Importance.LOW, BOOK_SNAPSHOT_INTERVAL_MS_DOC)
          .define(SYMBOLS_FILE_CONFIG, Type.STRING, "", Importance.LOW, SYMBOLS_FILE_DOC)
          .define(SYMBOLS_POLL_MS_CONFIG, Type.LONG, SYMBOLS_POLL_MS_DEFAULT, ConfigDef.Range.atLeast(10), Importance.LOW, SYMBOLS_POLL_MS_DOC)
          .define(REST_WEIGHT_BUDGET_CONFIG, Type.INT, REST_WEIGHT_BUDGET_DEFAULT, Importance.LOW, REST_WEIGHT_BUDGET_DOC)
          .define(OPS_HTTP_ADDRESS_CONFIG, Type.STRING, OPS_HTTP_ADDRESS_DEFAULT, Importance.LOW, OPS_HTTP_ADDRESS_DOC)
          .define(OPS_HTTP_PORT_CONFIG, Type.INT, OPS_HTTP_PORT_DEFAULT, ConfigDef.Range.between(-1, 65535), Importance.LOW, OPS_HTTP_PORT_DOC)
          .define(OPS_HTTP_URL_FILE_CONFIG, Type.STRING, "", Importance.LOW, OPS_HTTP_URL_FILE_DOC)
          .define(BACKFILL_ENABLED_CONFIG, Type.BOOLEAN, true, Importance.MEDIUM, BACKFILL_ENABLED_DOC);

  public CollectorConfig(Map<?, ?> originals) {
    super(CONFIG, originals, false);
  }

  public static ConfigDef configDef() {
    return new ConfigDef(CONFIG);
  }

  public String bootstrapServers() {
    return getString(BOOTSTRAP_SERVERS_CONFIG);
  }

  public String schemaRegistryUrl() {
    return getString(SCHEMA_REGISTRY_URL_CONFIG);
  }

  public List<String> symbols() {
    return getList(SYMBOLS_CONFIG).stream().map(String::trim).map(String::toUpperCase).toList();
  }

  public List<String> channels() {
    return getList(CHANNELS_CONFIG).stream().map(String::trim).toList();
  }

  public String wsUrl() {
    return getString(WS_URL_CONFIG);
  }

  public String restUrl() {
    return getString(REST_URL_CONFIG);
  }

  public Duration wsIdleTimeout() {
    return Duration.ofMillis(getLong(WS_IDLE_TIMEOUT_MS_CONFIG));
  }

  public Duration wsRotateInterval() {
    return Duration.ofMillis(getLong(WS_ROTATE_INTERVAL_MS_CONFIG));
  }

  public Duration wsBackoffMax() {
    return Duration.ofMillis(getLong(WS_BACKOFF_MAX_MS_CONFIG));
  }

  public Duration bookSnapshotInterval() {
    return Duration.ofMillis(getLong(BOOK_SNAPSHOT_INTERVAL_MS_CONFIG));
  }

  public boolean backfillEnabled() {
    return getBoolean(BACKFILL_ENABLED_CONFIG);
  }

  public int restWeightBudget() {
    return getInt(REST_WEIGHT_BUDGET_CONFIG);
  }

  /** The watched symbols file, or {@code null} when none is configured. */
  public java.nio.file.Path symbolsFile() {
    String f = getString(SYMBOLS_FILE_CONFIG);
    return f == null || f.isBlank() ? null : java.nio.file.Path.of(f);
  }

  public Duration symbolsPoll() {
    return Duration.ofMillis(getLong(SYMBOLS_POLL_MS_CONFIG));
  }

  public String opsHttpAddress() {
    return getString(OPS_HTTP_ADDRESS_CONFIG);
  }

  public int opsHttpPort() {
    return getInt(OPS_HTTP_PORT_CONFIG);
  }

  /** Where to write the endpoint's URL, or null. */
  public java.nio.file.Path opsHttpUrlFile() {
    String f = getString(OPS_HTTP_URL_FILE_CONFIG);
    return f.isBlank() ? null : java.nio.file.Path.of(f);
  }

  /** Settings under {@code producer.}, prefix removed. */
  public Map<String, Object> producerOverrides() {
    return originalsWithPrefix("producer.");
  }
}
