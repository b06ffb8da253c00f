package io.ticklake.streams;

import io.ticklake.schema.topic.Topics;

import io.ticklake.schema.serde.AvroWireSerdeConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Settings of the streams app. Kafka Streams' own keys ({@code bootstrap.servers}, {@code
 * application.id}, {@code state.dir}, {@code processing.guarantee}, ...) pass through to {@link
 * StreamsConfig}; the keys defined here shape the topology.
 */
public class AppConfig extends AbstractConfig {

  public static final String BOOTSTRAP_SERVERS_CONFIG = StreamsConfig.BOOTSTRAP_SERVERS_CONFIG;
  private static final String BOOTSTRAP_SERVERS_DOC = "Kafka brokers to connect to.";

  public static final String APPLICATION_ID_CONFIG = StreamsConfig.APPLICATION_ID_CONFIG;
  public static final String APPLICATION_ID_DEFAULT = "ticklake-streams";
  private static final String APPLICATION_ID_DOC =
      "Kafka Streams application id: consumer group and prefix of internal topics.";

  public static final String STATE_DIR_CONFIG = StreamsConfig.STATE_DIR_CONFIG;
  public static final String STATE_DIR_DEFAULT = "/tmp/ticklake-streams";
  private static final String STATE_DIR_DOC = "Directory of the local state stores.";

  public static final String SCHEMA_REGISTRY_URL_CONFIG = AvroWireSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG;
  private static final String SCHEMA_REGISTRY_URL_DOC = "Base URL(s) of the schema registry.";

  public static final String PROCESSING_GUARANTEE_CONFIG = StreamsConfig.PROCESSING_GUARANTEE_CONFIG;
  public static final String PROCESSING_GUARANTEE_DEFAULT = StreamsConfig.EXACTLY_ONCE_V2;
  private static final String PROCESSING_GUARANTEE_DOC =
      "exactly_once_v2 (default) so a restart never double counts a trade in a candle or CVD.";

  public static final String HTTP_PORT_CONFIG = "http.port";
  public static final int HTTP_PORT_DEFAULT = 7070;
  private static final String HTTP_PORT_DOC = "Port of the interactive-query HTTP server; 0 disables it.";

  public static final String HTTP_BIND_ADDRESS_CONFIG = "http.bind.address";
  public static final String HTTP_BIND_ADDRESS_DEFAULT = "0.0.0.0";
  private static final String HTTP_BIND_ADDRESS_DOC = "Address the query server listens on.";

  public static final String HTTP_HOST_CONFIG = "http.advertised.host";
  public static final String HTTP_HOST_DEFAULT = "localhost";
  private static final String HTTP_HOST_DOC =
      "Host name other instances use to reach this one's query server (application.server).";

  public static final String OHLCV_GRACE_MS_CONFIG = "ohlcv.grace.ms";
  public static final long OHLCV_GRACE_MS_DEFAULT = 10_000L;
  private static final String OHLCV_GRACE_MS_DOC =
      "How long after a minute ends (in stream time) trades are still counted in its candle and"
          + " CVD; later trades go to the late topic.";

  public static final String ROLLUP_GRACE_MS_CONFIG = "rollup.grace.ms";
  public static final long ROLLUP_GRACE_MS_DEFAULT = 0L;
  private static final String ROLLUP_GRACE_MS_DOC =
      "Grace of the 5m and 1h rollups over closed 1m candles, which arrive in order per partition.";

  public static final String OFI_GRACE_MS_CONFIG = "ofi.grace.ms";
  public static final long OFI_GRACE_MS_DEFAULT = 2_000L;
  private static final String OFI_GRACE_MS_DOC = "Grace of the 1s and 1m OFI windows.";

  public static final String OFI_SOURCE_CONFIG = "ofi.source";
  public static final String OFI_SOURCE_DEFAULT = "quotes";
  private static final String OFI_SOURCE_DOC =
      "quotes: level-1 OFI from top of book (Quote). book: levels 1..10 from BookDelta, the"
          + " level-1 value from the same book.";

  public static final String DEDUP_TTL_MS_CONFIG = "dedup.ttl.ms";
  public static final long DEDUP_TTL_MS_DEFAULT = Duration.ofMinutes(15).toMillis();
  private static final String DEDUP_TTL_MS_DOC =
      "How long (stream time) trade and quote ids are remembered to drop duplicates. Raised to"
          + " at least one minute plus the grace, so nothing that can still be counted is counted"
          + " twice.";

  public static final String STALE_AFTER_MS_CONFIG = "stale.after.ms";
  public static final long STALE_AFTER_MS_DEFAULT = 60_000L;
  private static final String STALE_AFTER_MS_DOC =
      "A stream with no record for this long (wall clock) is reported as a STALE_STREAM gap.";

  public static final String STALE_CHECK_INTERVAL_MS_CONFIG = "stale.check.interval.ms";
  public static final long STALE_CHECK_INTERVAL_MS_DEFAULT = 10_000L;
  private static final String STALE_CHECK_INTERVAL_MS_DOC = "Wall-clock period of the stale-stream check.";

  public static final String PRODUCER_GAPS_TOPIC_CONFIG = "producer.gaps.topic";
  public static final String PRODUCER_GAPS_TOPIC_DEFAULT = Topics.PRODUCER_GAPS;
  private static final String PRODUCER_GAPS_TOPIC_DOC =
      "Topic where producers report gaps they saw (disconnects, book resyncs); passed through to"
          + " the gaps topic. Empty to disable.";

  public static final String FEATURES_WIN_SECS_CONFIG = "features.win.secs";
  public static final int FEATURES_WIN_SECS_DEFAULT = 300;
  private static final String FEATURES_WIN_SECS_DOC =
      "WIN_SECS: the window of trade activity and realized volatility, in seconds (whole minutes).";

  public static final String FEATURES_ACTIVE_TPS_CONFIG = "features.active.tps";
  public static final double FEATURES_ACTIVE_TPS_DEFAULT = 1.0;
  private static final String FEATURES_ACTIVE_TPS_DOC =
      "ACTIVE_TPS: trades per second over WIN_SECS at or above which a minute is active.";

  public static final String FEATURES_VOL_MEDIAN_MINUTES_CONFIG = "features.vol.median.minutes";
  public static final int FEATURES_VOL_MEDIAN_MINUTES_DEFAULT = 60;
  private static final String FEATURES_VOL_MEDIAN_MINUTES_DOC =
      "Realized volatility above the median of its last this-many values is high.";

  private static final ConfigDef CONFIG =
      new ConfigDef()
          .define(BOOTSTRAP_SERVERS_CONFIG, Type.STRING, "localhost:9092", Importance.HIGH, BOOTSTRAP_SERVERS_DOC)
          .define(APPLICATION_ID_CONFIG, Type.STRING, APPLICATION_ID_DEFAULT, Importance.HIGH, APPLICATION_ID_DOC)
          .define(STATE_DIR_CONFIG, Type.STRING, STATE_DIR_DEFAULT, Importance.MEDIUM, STATE_DIR_DOC)
          .define(SCHEMA_REGISTRY_URL_CONFIG, Type.STRING, "http://localhost:8081", Importance.HIGH, SCHEMA_REGISTRY_URL_DOC)
          .define(
              PROCESSING_GUARANTEE_CONFIG,
              Type.STRING,
              PROCESSING_GUARANTEE_DEFAULT,
              ValidString.in(StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2),
              Importance.MEDIUM,
              PROCESSING_GUARANTEE_DOC)
          .define(HTTP_PORT_CONFIG, Type.INT, HTTP_PORT_DEFAULT, Range.between(0, 65535), Importance.MEDIUM, HTTP_PORT_DOC)
          .define(HTTP_BIND_ADDRESS_CONFIG, Type.STRING, HTTP_BIND_ADDRESS_DEFAULT, Importance.LOW, HTTP_BIND_ADDRESS_DOC)
          .define(HTTP_HOST_CONFIG, Type.STRING, HTTP_HOST_DEFAULT, Importance.LOW, HTTP_HOST_DOC)
          .define(OHLCV_GRACE_MS_CONFIG, Type.LONG, OHLCV_GRACE_MS_DEFAULT, Range.atLeast(0), Importance.MEDIUM, OHLCV_GRACE_MS_DOC)
          .define(ROLLUP_GRACE_MS_CONFIG, Type.LONG, ROLLUP_GRACE_MS_DEFAULT, Range.atLeast(0), Importance.LOW, ROLLUP_GRACE_MS_DOC)
          .define(OFI_GRACE_MS_CONFIG, Type.LONG, OFI_GRACE_MS_DEFAULT, Range.atLeast(0), Importance.LOW, OFI_GRACE_MS_DOC)
          .define(OFI_SOURCE_CONFIG, Type.STRING, OFI_SOURCE_DEFAULT, ValidString.in("quotes", "book"), Importance.LOW, OFI_SOURCE_DOC)
          .define(DEDUP_TTL_MS_CONFIG, Type.LONG, DEDUP_TTL_MS_DEFAULT, Range.atLeast(1), Importance.MEDIUM, DEDUP_TTL_MS_DOC)
          .define(STALE_AFTER_MS_CONFIG, Type.LONG, STALE_AFTER_MS_DEFAULT, Range.atLeast(1), Importance.MEDIUM, STALE_AFTER_MS_DOC)
          .define(STALE_CHECK_INTERVAL_MS_CONFIG, Type.LONG, STALE_CHECK_INTERVAL_MS_DEFAULT, Range.atLeast(1), Importance.LOW, STALE_CHECK_INTERVAL_MS_DOC)
          .define(PRODUCER_GAPS_TOPIC_CONFIG, Type.STRING, PRODUCER_GAPS_TOPIC_DEFAULT, Importance.LOW, PRODUCER_GAPS_TOPIC_DOC)
          .define(FEATURES_WIN_SECS_CONFIG, Type.INT, FEATURES_WIN_SECS_DEFAULT, Range.atLeast(60), Importance.LOW, FEATURES_WIN_SECS_DOC)
          .define(FEATURES_ACTIVE_TPS_CONFIG, Type.DOUBLE, FEATURES_ACTIVE_TPS_DEFAULT, Range.atLeast(0), Importance.LOW, FEATURES_ACTIVE_TPS_DOC)
          .define(FEATURES_VOL_MEDIAN_MINUTES_CONFIG, Type.INT, FEATURES_VOL_MEDIAN_MINUTES_DEFAULT, Range.atLeast(1), Importance.LOW, FEATURES_VOL_MEDIAN_MINUTES_DOC);

  public AppConfig(Map<?, ?> originals) {
    super(CONFIG, originals, false);
  }

  /** The definition, for documentation tools. */
  public static ConfigDef configDef() {
    return new ConfigDef(CONFIG);
  }

  public Duration ohlcvGrace() {
    return Duration.ofMillis(getLong(OHLCV_GRACE_MS_CONFIG));
  }

  public Duration rollupGrace() {
    return Duration.ofMillis(getLong(ROLLUP_GRACE_MS_CONFIG));
  }

  public Duration ofiGrace() {
    return Duration.ofMillis(getLong(OFI_GRACE_MS_CONFIG));
  }

  public boolean ofiFromBook() {
    return "book".equals(getString(OFI_SOURCE_CONFIG));
  }

  /** The dedup memory, never shorter than a minute plus the largest grace. */
  public Duration dedupTtl() {
    long floor = Duration.ofMinutes(1).toMillis() + Math.max(getLong(OHLCV_GRACE_MS_CONFIG), getLong(OFI_GRACE_MS_CONFIG));
    return Duration.ofMillis(Math.max(getLong(DEDUP_TTL_MS_CONFIG), floor));
  }

  public Duration staleAfter() {
    return Duration.ofMillis(getLong(STALE_AFTER_MS_CONFIG));
  }

  public Duration staleCheckInterval() {
    return Duration.ofMillis(getLong(STALE_CHECK_INTERVAL_MS_CONFIG));
  }

  /** The producers' gap topic, or null when pass-through is off. */
  public String producerGapsTopic() {
    String topic = getString(PRODUCER_GAPS_TOPIC_CONFIG);
    return topic == null || topic.isBlank() ? null : topic;
  }

  public int featuresWinSecs() {
    return getInt(FEATURES_WIN_SECS_CONFIG);
  }

  public double featuresActiveTps() {
    return getDouble(FEATURES_ACTIVE_TPS_CONFIG);
  }

  public int featuresVolMedianMinutes() {
    return getInt(FEATURES_VOL_MEDIAN_MINUTES_CONFIG);
  }

  /** Per-venue keys ({@code venue.<id>.<trait>}), as the stack writes them from each venue's traits. */
  public static final String VENUE_PREFIX = "venue.";

  public static final String STALE_AFTER_MS_TRAIT = "stale.after.ms";
  public static final String CONTINUOUS_TRADING_TRAIT = "continuous.trading";
  public static final String CONTIGUOUS_TRADE_IDS_TRAIT = "contiguous.trade.ids";
  public static final String QUIET_SYMBOLS_TRAIT = "quiet.symbols";
  public static final String CANDLES_COUNT_TRADES_TRAIT = "candles.count.trades";

  /**
   * What gap detection must know of a venue: how long its streams may be silent, whether it trades
   * around the clock (a missing minute is a gap), whether its trade ids leave no holes (a jump is a
   * gap). From {@code venue.<id>.stale.after.ms}, {@code venue.<id>.continuous.trading} and {@code
   * venue.<id>.contiguous.trade.ids}, and whether its symbols may be quiet for hours ({@code
   * venue.<id>.quiet.symbols}: trade silence and the candle minutes it leaves are then no gap); a
   * venue named nowhere gets {@code stale.after.ms}, continuous trading, contiguous ids, no quiet
   * symbols. Whether the trade count of its candles counts the trades its collector receives ({@code
   * venue.<id>.candles.count.trades}, default no): the candle audit compares counts only then.
   */
  public record VenueTraits(
      Duration staleAfter, boolean continuousTrading, boolean contiguousTradeIds, boolean quietSymbols, boolean candlesCountTrades)
      implements java.io.Serializable {}

  /** The traits of a venue. */
  public VenueTraits traits(String venue) {
    Map<String, Object> own = originalsWithPrefix(VENUE_PREFIX + venue + ".");
    Object stale = own.get(STALE_AFTER_MS_TRAIT);
    Object continuous = own.get(CONTINUOUS_TRADING_TRAIT);
    Object contiguous = own.get(CONTIGUOUS_TRADE_IDS_TRAIT);
    Object quiet = own.get(QUIET_SYMBOLS_TRAIT);
    Object counts = own.get(CANDLES_COUNT_TRADES_TRAIT);
    return new VenueTraits(
        stale == null ? staleAfter() : Duration.ofMillis(Long.parseLong(stale.toString().trim())),
        continuous == null || Boolean.parseBoolean(continuous.toString().trim()),
        contiguous == null || Boolean.parseBoolean(contiguous.toString().trim()),
        quiet != null && Boolean.parseBoolean(quiet.toString().trim()),
        counts != null && Boolean.parseBoolean(counts.toString().trim()));
  }

  /** {@link #traits} of every venue, looked up once per venue. */
  public java.util.function.Function<String, VenueTraits> venueTraits() {
    Map<String, VenueTraits> cache = new java.util.concurrent.ConcurrentHashMap<>();
    return venue -> cache.computeIfAbsent(venue, this::traits);
  }

  public int httpPort() {
    return getInt(HTTP_PORT_CONFIG);
  }

  public String httpBindAddress() {
    return getString(HTTP_BIND_ADDRESS_CONFIG);
  }

  public String httpHost() {
    return getString(HTTP_HOST_CONFIG);
  }

  /** Settings for the serdes and registry client. */
  public Map<String, Object> serdeConfig() {
    Map<String, Object> m = new HashMap<>(originalsWithPrefix("", true));
    m.put(SCHEMA_REGISTRY_URL_CONFIG, getString(SCHEMA_REGISTRY_URL_CONFIG));
    return m;
  }

  /**
   * Commit interval under either guarantee (Kafka Streams' own default under exactly_once_v2; it
   * would be 30 s under at_least_once). Each commit ends a transaction: output, changelog records
   * and the caches' contents become visible to read_committed readers then, so it bounds the
   * latency of a closed window; shorter costs throughput in transaction round trips and in cache
   * flushes that coalesce less.
   */
  public static final long COMMIT_INTERVAL_MS_DEFAULT = 100L;

  /**
   * How often (wall clock) an emit-on-close window aggregation looks for closed windows, Kafka
   * Streams' internal {@code __emit.interval.ms.kstreams.windowed.aggregation__}. Its default of
   * 1 s made a closed window wait up to a second before it was even handed to the next commit;
   * 25 ms keeps that wait well below the commit interval for about 40 short range scans a second
   * per store and task.
   */
  public static final long WINDOW_CLOSE_CHECK_INTERVAL_MS_DEFAULT = 25L;

  /**
   * The producer's batch size for output, changelog and repartition records: at our rates a 100 ms
   * transaction carries thousands of records per partition, and 16 KB batches (the client's
   * default) mean several produce requests each.
   */
  public static final int PRODUCER_BATCH_SIZE_DEFAULT = 128 * 1024;

  /**
   * Kafka Streams' {@code max.task.idle.ms}: -1, a task with data never waits for its other input
   * partitions. Trades and quotes are tasks of one partition each, where waiting means nothing; the
   * only task with several (candles, CVD and OFI read back for the features and rollups) takes
   * them in any order (see {@code FeatureProcessor}; each window aggregation keeps its own stream
   * time). Kafka's default of 0 made every task check its empty partitions before every record,
   * formatting a log message per empty partition even with that log level off: a tenth of the
   * stream thread's time in the benchmark.
   */
  public static final long MAX_TASK_IDLE_MS_DEFAULT = -1L;

  /** Everything Kafka Streams needs: our defaults, overridden by the originals. */
  public Properties streamsProperties() {
    Properties p = new Properties();
    p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, MAX_TASK_IDLE_MS_DEFAULT);
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, COMMIT_INTERVAL_MS_DEFAULT);
    p.put(StreamsConfig.InternalConfig.EMIT_INTERVAL_MS_KSTREAMS_WINDOWED_AGGREGATION, WINDOW_CLOSE_CHECK_INTERVAL_MS_DEFAULT);
    p.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), PRODUCER_BATCH_SIZE_DEFAULT);
    originals().forEach((k, v) -> p.put(k, v));
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, getString(APPLICATION_ID_CONFIG));
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, getString(BOOTSTRAP_SERVERS_CONFIG));
    p.put(StreamsConfig.STATE_DIR_CONFIG, getString(STATE_DIR_CONFIG));
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, getString(PROCESSING_GUARANTEE_CONFIG));
    if (httpPort() > 0) {
      p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, httpHost() + ":" + httpPort());
    }
    return p;
  }
}
