package io.ticklake.producers.core;

import io.ticklake.producers.ws.ReconnectingWsClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * Settings of one venue's collector. The defaults are the venue's ({@link Venue#defaults()}); only
 * the endpoint URLs differ between the real venue and the simulator. A key may also be given as
 * {@code venue.<id>.<key>}, which wins over the bare key, so one file can hold several venues'
 * settings. Keys not defined here that start with {@code producer.} are passed to the Kafka
 * producers (and the backfill's consumer) without the prefix.
 */
public class CollectorConfig extends AbstractConfig {

  public static final String VENUE_CONFIG = "venue";
  private static final String VENUE_DOC = "The venue to collect: one of the registered venue ids (see ./ticklake doctor or docs/venues/).";

  public static final String BOOTSTRAP_SERVERS_CONFIG = "bootstrap.servers";
  private static final String BOOTSTRAP_SERVERS_DOC = "Kafka brokers to write to.";

  public static final String SCHEMA_REGISTRY_URL_CONFIG = "schema.registry.url";
  private static final String SCHEMA_REGISTRY_URL_DOC = "Schema registry base URL(s) for the Avro wire-format serializer.";

  public static final String SYMBOLS_CONFIG = "symbols";
  private static final String SYMBOLS_DOC = "Venue-native symbols to collect, comma-separated, as the venue spells them.";

  public static final String CHANNELS_CONFIG = "channels";
  private static final String CHANNELS_DOC = "Channels to subscribe; each venue's page in docs/venues/ lists its channels.";

  public static final String WS_URL_CONFIG = "ws.url";
  private static final String WS_URL_DOC = "The venue's WebSocket endpoint (the simulator's, offline).";

  public static final String REST_URL_CONFIG = "rest.url";
  private static final String REST_URL_DOC = "The venue's REST base URL (the simulator's, offline).";

  public static final String WS_IDLE_TIMEOUT_MS_CONFIG = "ws.idle.timeout.ms";
  public static final long WS_IDLE_TIMEOUT_MS_DEFAULT = ReconnectingWsClient.Config.IDLE_TIMEOUT_DEFAULT.toMillis();
  private static final String WS_IDLE_TIMEOUT_MS_DOC = "Reconnect when no data frame arrived for this long.";

  public static final String WS_ROTATE_INTERVAL_MS_CONFIG = "ws.rotate.interval.ms";
  public static final long WS_ROTATE_INTERVAL_MS_DEFAULT = ReconnectingWsClient.Config.ROTATE_AFTER_DEFAULT.toMillis();
  private static final String WS_ROTATE_INTERVAL_MS_DOC = "Planned reconnect before the venue's own cut (some venues drop every connection after 24 h).";

  public static final String WS_BACKOFF_MAX_MS_CONFIG = "ws.backoff.max.ms";
  public static final long WS_BACKOFF_MAX_MS_DEFAULT = ReconnectingWsClient.Config.MAX_BACKOFF_DEFAULT.toMillis();
  private static final String WS_BACKOFF_MAX_MS_DOC = "Cap on the reconnect delay (attempts are unlimited).";

  public static final String WS_MAX_FRAME_BYTES_CONFIG = "ws.max.frame.bytes";
  private static final String WS_MAX_FRAME_BYTES_DOC =
      "Largest frame accepted, bytes (a Coinbase level-2 snapshot of BTC-USD is several MB); a larger one closes the connection.";

  public static final String WS_MAX_SYMBOLS_CONFIG = "ws.max.symbols.per.connection";
  private static final String WS_MAX_SYMBOLS_DOC =
      "Symbols one connection carries at most; more are spread over several connections (the venue's stream or product cap).";

  public static final String WS_MESSAGES_PER_SECOND_CONFIG = "ws.messages.per.second";
  private static final String WS_MESSAGES_PER_SECOND_DOC =
      "Frames the collector sends per connection and second at most (subscriptions, pings): the venue's inbound message limit.";

  public static final String BOOK_SNAPSHOT_INTERVAL_MS_CONFIG = "book.snapshot.interval.ms";
  public static final long BOOK_SNAPSHOT_INTERVAL_MS_DEFAULT = 60_000L;
  private static final String BOOK_SNAPSHOT_INTERVAL_MS_DOC =
      "Emit every synced book whole (BookDelta snapshot=true) this often, if it changed; 0 disables.";

  public static final String REST_BUDGET_CONFIG = "rest.budget";
  /** The name {@link #REST_BUDGET_CONFIG} had when one venue was all ticklake collected; still read. */
  public static final String REST_WEIGHT_BUDGET_CONFIG = "rest.weight.budget";
  private static final String REST_BUDGET_DOC =
      "The REST limit policy's budget, in the venue's unit (request weight per minute, or requests per second; see the"
          + " venue's page in docs/venues/). Also read as rest.weight.budget.";

  public static final String SYMBOLS_FILE_CONFIG = "symbols.file";
  private static final String SYMBOLS_FILE_DOC =
      "A properties file whose 'symbols' key, when present, replaces 'symbols' and is watched: a change is applied to the"
          + " running collector (live subscribe/unsubscribe, book syncs started and stopped) without a restart.";

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
      "Fill PENDING gaps of md.ops.gaps.v1 from the venue's REST history, within the same budget as everything else the"
          + " collector asks over REST, and mark them FILLED or UNFILLABLE.";

  public static final String INSTRUMENTS_REFRESH_MS_CONFIG = "instruments.refresh.ms";
  private static final String INSTRUMENTS_REFRESH_MS_DOC =
      "How often the collected symbols' reference data (md.ref.instruments.v1) is read again from the venue; 0: at start only.";

  public static final String RESTART_TAIL_RECORDS_CONFIG = "restart.tail.records";
  private static final String RESTART_TAIL_RECORDS_DOC =
      "At start, how many of the last records of each partition of the trades and candles topics (a tenth of it for the book topic) "
          + "are read back so that no trade, closed candle or book snapshot an earlier run wrote is written again; 0: none.";

  private final Venue venue;

  /** Settings of {@code venue}; {@code venue.<id>.<key>} entries win over bare keys. */
  public CollectorConfig(Venue venue, Map<?, ?> originals) {
    super(configDef(venue), scoped(venue.id(), originals), false);
    this.venue = venue;
  }

  /** Settings of the venue the {@code venue} key names. */
  public static CollectorConfig of(Map<?, ?> originals) {
    Object id = originals.get(VENUE_CONFIG);
    if (id == null || id.toString().isBlank()) {
      throw new ConfigException("'" + VENUE_CONFIG + "' is required: one of " + String.join(", ", Venues.ids()));
    }
    return new CollectorConfig(Venues.get(id.toString().trim()), originals);
  }

  private static Map<String, Object> scoped(String venueId, Map<?, ?> originals) {
    Map<String, Object> out = new HashMap<>();
    String prefix = "venue." + venueId + ".";
    originals.forEach((k, v) -> out.put(k.toString(), v));
    originals.forEach((k, v) -> {
      String key = k.toString();
      if (key.startsWith(prefix)) {
        out.put(key.substring(prefix.length()), v);
      }
    });
    if (!out.containsKey(REST_BUDGET_CONFIG) && out.containsKey(REST_WEIGHT_BUDGET_CONFIG)) {
      out.put(REST_BUDGET_CONFIG, out.get(REST_WEIGHT_BUDGET_CONFIG));
    }
    out.put(VENUE_CONFIG, venueId);
    return out;
  }

  /** The settings of a venue's collector, with that venue's defaults, and its own keys. */
  public static ConfigDef configDef(Venue venue) {
    VenueDefaults d = venue.defaults();
    ConfigDef def =
        new ConfigDef()
            .define(VENUE_CONFIG, Type.STRING, venue.id(), Importance.HIGH, VENUE_DOC)
            .define(BOOTSTRAP_SERVERS_CONFIG, Type.STRING, Importance.HIGH, BOOTSTRAP_SERVERS_DOC)
            .define(SCHEMA_REGISTRY_URL_CONFIG, Type.STRING, Importance.HIGH, SCHEMA_REGISTRY_URL_DOC)
            .define(SYMBOLS_CONFIG, Type.LIST, d.symbols(), Importance.HIGH, SYMBOLS_DOC)
            .define(CHANNELS_CONFIG, Type.LIST, d.channels(), Importance.MEDIUM, CHANNELS_DOC)
            .define(WS_URL_CONFIG, Type.STRING, d.wsUrl(), Importance.MEDIUM, WS_URL_DOC)
            .define(REST_URL_CONFIG, Type.STRING, d.restUrl(), Importance.MEDIUM, REST_URL_DOC)
            .define(WS_IDLE_TIMEOUT_MS_CONFIG, Type.LONG, WS_IDLE_TIMEOUT_MS_DEFAULT, ConfigDef.Range.atLeast(100), Importance.LOW,
                WS_IDLE_TIMEOUT_MS_DOC)
            .define(WS_ROTATE_INTERVAL_MS_CONFIG, Type.LONG, WS_ROTATE_INTERVAL_MS_DEFAULT, ConfigDef.Range.atLeast(1000),
                Importance.LOW, WS_ROTATE_INTERVAL_MS_DOC)
            .define(WS_BACKOFF_MAX_MS_CONFIG, Type.LONG, WS_BACKOFF_MAX_MS_DEFAULT, ConfigDef.Range.atLeast(1), Importance.LOW,
                WS_BACKOFF_MAX_MS_DOC)
            .define(WS_MAX_FRAME_BYTES_CONFIG, Type.INT, d.maxFrameBytes(), ConfigDef.Range.atLeast(1024), Importance.LOW,
                WS_MAX_FRAME_BYTES_DOC)
            .define(WS_MAX_SYMBOLS_CONFIG, Type.INT, d.maxSymbolsPerConnection(), ConfigDef.Range.atLeast(1), Importance.LOW,
                WS_MAX_SYMBOLS_DOC)
            .define(WS_MESSAGES_PER_SECOND_CONFIG, Type.INT, d.outboundMessagesPerSecond(), ConfigDef.Range.atLeast(1),
                Importance.LOW, WS_MESSAGES_PER_SECOND_DOC)
            .define(BOOK_SNAPSHOT_INTERVAL_MS_CONFIG, Type.LONG, BOOK_SNAPSHOT_INTERVAL_MS_DEFAULT, Importance.LOW,
                BOOK_SNAPSHOT_INTERVAL_MS_DOC)
            .define(REST_BUDGET_CONFIG, Type.INT, d.restBudget(), ConfigDef.Range.atLeast(1), Importance.LOW, REST_BUDGET_DOC)
            .define(SYMBOLS_FILE_CONFIG, Type.STRING, "", Importance.LOW, SYMBOLS_FILE_DOC)
            .define(SYMBOLS_POLL_MS_CONFIG, Type.LONG, SYMBOLS_POLL_MS_DEFAULT, ConfigDef.Range.atLeast(10), Importance.LOW,
                SYMBOLS_POLL_MS_DOC)
            .define(OPS_HTTP_ADDRESS_CONFIG, Type.STRING, OPS_HTTP_ADDRESS_DEFAULT, Importance.LOW, OPS_HTTP_ADDRESS_DOC)
            .define(OPS_HTTP_PORT_CONFIG, Type.INT, OPS_HTTP_PORT_DEFAULT, ConfigDef.Range.between(-1, 65535), Importance.LOW,
                OPS_HTTP_PORT_DOC)
            .define(OPS_HTTP_URL_FILE_CONFIG, Type.STRING, "", Importance.LOW, OPS_HTTP_URL_FILE_DOC)
            .define(BACKFILL_ENABLED_CONFIG, Type.BOOLEAN, true, Importance.MEDIUM, BACKFILL_ENABLED_DOC)
            .define(INSTRUMENTS_REFRESH_MS_CONFIG, Type.LONG, Duration.ofDays(1).toMillis(), ConfigDef.Range.atLeast(0),
                Importance.LOW, INSTRUMENTS_REFRESH_MS_DOC)
            .define(RESTART_TAIL_RECORDS_CONFIG, Type.INT, 20_000, ConfigDef.Range.atLeast(0), Importance.LOW,
                RESTART_TAIL_RECORDS_DOC);
    for (ConfigDef.ConfigKey key : venue.configDef().configKeys().values()) {
      def.define(key);
    }
    return def;
  }

  /** The venue these settings are for. */
  public Venue venue() {
    return venue;
  }

  public String bootstrapServers() {
    return getString(BOOTSTRAP_SERVERS_CONFIG);
  }

  public String schemaRegistryUrl() {
    return getString(SCHEMA_REGISTRY_URL_CONFIG);
  }

  /** The symbols in the venue's own spelling ({@link Venue#nativeSymbol}). */
  public List<String> symbols() {
    return nativeSymbols(getList(SYMBOLS_CONFIG));
  }

  /** Symbols trimmed, in the venue's spelling under these settings, empty ones dropped, duplicates removed. */
  public List<String> nativeSymbols(List<String> symbols) {
    return nativeSymbols(venue, symbols, originals());
  }

  /** Symbols trimmed, in the venue's spelling, empty ones dropped, duplicates removed. */
  public static List<String> nativeSymbols(Venue venue, List<String> symbols, Map<?, ?> settings) {
    return symbols.stream().map(String::trim).filter(s -> !s.isEmpty()).map(s -> venue.nativeSymbol(s, settings)).distinct().toList();
  }

  public List<String> channels() {
    return getList(CHANNELS_CONFIG).stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
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

  public int wsMaxFrameBytes() {
    return getInt(WS_MAX_FRAME_BYTES_CONFIG);
  }

  public int wsMaxSymbolsPerConnection() {
    return getInt(WS_MAX_SYMBOLS_CONFIG);
  }

  public int wsMessagesPerSecond() {
    return getInt(WS_MESSAGES_PER_SECOND_CONFIG);
  }

  public Duration bookSnapshotInterval() {
    return Duration.ofMillis(getLong(BOOK_SNAPSHOT_INTERVAL_MS_CONFIG));
  }

  public boolean backfillEnabled() {
    return getBoolean(BACKFILL_ENABLED_CONFIG);
  }

  public int restBudget() {
    return getInt(REST_BUDGET_CONFIG);
  }

  public Duration instrumentsRefresh() {
    return Duration.ofMillis(getLong(INSTRUMENTS_REFRESH_MS_CONFIG));
  }

  public int restartTailRecords() {
    return getInt(RESTART_TAIL_RECORDS_CONFIG);
  }

  /** The watched symbols file, or {@code null} when none is configured. */
  public Path symbolsFile() {
    String f = getString(SYMBOLS_FILE_CONFIG);
    return f == null || f.isBlank() ? null : Path.of(f);
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
  public Path opsHttpUrlFile() {
    String f = getString(OPS_HTTP_URL_FILE_CONFIG);
    return f.isBlank() ? null : Path.of(f);
  }

  /** Settings under {@code producer.}, prefix removed. */
  public Map<String, Object> producerOverrides() {
    return originalsWithPrefix("producer.");
  }

  /** A copy of these settings with {@code key} set (e.g. another symbol list). */
  public CollectorConfig with(String key, Object value) {
    Map<String, Object> o = new HashMap<>(originals());
    o.keySet().removeIf(k -> k.toLowerCase(Locale.ROOT).endsWith("." + key) && k.startsWith("venue."));
    o.put(key, value);
    return new CollectorConfig(venue, o);
  }
}
