package io.ticklake.producers.kraken;

import io.ticklake.producers.backfill.RangeFetcher;
import io.ticklake.producers.book.BookRules;
import io.ticklake.producers.book.ChainRule;
import io.ticklake.producers.core.CollectorConfig;
import io.ticklake.producers.core.Connections;
import io.ticklake.producers.core.FrameParser;
import io.ticklake.producers.core.InstrumentSource;
import io.ticklake.producers.core.Venue;
import io.ticklake.producers.core.VenueDefaults;
import io.ticklake.producers.core.VenueTraits;
import io.ticklake.producers.rest.BudgetedRestClient;
import io.ticklake.producers.rest.LimitPolicy;
import io.ticklake.producers.sim.Simulation;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Kraken spot ({@code kraken}) over its public WebSocket, v2 by default or the legacy v1 ({@code
 * protocol}): {@code trade} (taker side; v2 numbers each pair's trades), {@code book} at the
 * configured depth, verified by Kraken's CRC32 checksum after the snapshot and every update (a
 * mismatch resubscribes that symbol's book, one gap event, never the connection), {@code ticker}
 * (v1 also {@code spread}) as quotes, and {@code ohlc} candles, closed by the collector once a
 * later period begins (Kraken marks none closed). REST: about one call a second; trades by time
 * for any hole, the last 720 candles of an interval, pairs' reference data.
 */
public final class KrakenVenue implements Venue {
  public static final String ID = "kraken";
  public static final String PROTOCOL_CONFIG = "protocol";
  private static final String PROTOCOL_DOC =
      "Kraken's WebSocket protocol: v2 (wss://ws.kraken.com/v2, the default) or the legacy v1 (wss://ws.kraken.com, array "
          + "messages, XBT/USD pair names). A ws.url left at its default follows the protocol.";
  public static final String BOOK_DEPTH_CONFIG = "book.depth";
  private static final String BOOK_DEPTH_DOC =
      "Levels per side of the subscribed book: 10, 25, 100, 500 or 1000. The checksum covers the top 10 whatever the depth.";
  public static final String OHLC_CONFIG = "candles.intervals";
  private static final String OHLC_DOC =
      "Venue candles subscribed on the ohlc channel and written once closed: any of 1m, 5m, 15m, 30m, 1h, 4h, 1d; empty for none.";

  private static final VenueDefaults DEFAULTS =
      new VenueDefaults(
          KrakenProtocol.V2.url(),
          "https://api.kraken.com",
          List.of("BTC-USD", "ETH-USD", "SOL-USD", "XRP-USD", "DOGE-USD"),
          KrakenSubscriptions.DEFAULT_CHANNELS,
          // Public REST: about one call a second per IP.
          1,
          KrakenSubscriptions.MAX_SYMBOLS_PER_CONNECTION,
          // Kraken limits messages per connection without saying how many: a few a second is safe.
          5,
          // An instrument snapshot lists every pair; a depth-1000 snapshot is a few hundred kB.
          16 * 1024 * 1024);

  /** The pairs' decimals, one table per collector configuration (its parser and checksum share it). */
  private final Map<CollectorConfig, KrakenPairs> pairs = Collections.synchronizedMap(new WeakHashMap<>());

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String displayName() {
    return "Kraken";
  }

  @Override
  public VenueDefaults defaults() {
    return DEFAULTS;
  }

  @Override
  public VenueTraits traits() {
    // v2 numbers each pair's trades without holes; v1's made-up ids are not numbers and are not checked.
    // Each ohlc candle counts the trades the trade channel sent: the candle audit compares counts.
    return VenueTraits.continuous(Duration.ofSeconds(60)).withCandlesCountingTrades(true);
  }

  @Override
  public ConfigDef configDef() {
    return new ConfigDef()
        .define(PROTOCOL_CONFIG, ConfigDef.Type.STRING, "v2", ConfigDef.ValidString.in("v1", "v2"), ConfigDef.Importance.MEDIUM,
            PROTOCOL_DOC)
        .define(BOOK_DEPTH_CONFIG, ConfigDef.Type.INT, 100, depthValidator(), ConfigDef.Importance.MEDIUM, BOOK_DEPTH_DOC)
        .define(OHLC_CONFIG, ConfigDef.Type.LIST, List.of("1m", "5m", "1h"), ConfigDef.Importance.MEDIUM, OHLC_DOC);
  }

  private static ConfigDef.Validator depthValidator() {
    return (name, value) -> {
      if (value != null && !KrakenSubscriptions.DEPTHS.contains((Integer) value)) {
        throw new org.apache.kafka.common.config.ConfigException(name, value, "one of " + KrakenSubscriptions.DEPTHS);
      }
    };
  }

  static KrakenProtocol protocol(CollectorConfig config) {
    return KrakenProtocol.of(config.getString(PROTOCOL_CONFIG));
  }

  @Override
  public String nativeSymbol(String configured) {
    return KrakenPairs.nativeSymbol(configured, KrakenProtocol.V2);
  }

  @Override
  public String nativeSymbol(String configured, Map<?, ?> settings) {
    Object p = settings.get(PROTOCOL_CONFIG);
    if (p == null) {
      p = settings.get("venue." + ID + "." + PROTOCOL_CONFIG);
    }
    return KrakenPairs.nativeSymbol(configured, p == null ? KrakenProtocol.V2 : KrakenProtocol.of(p.toString()));
  }

  /** The configured candle intervals in minutes. */
  static List<Integer> ohlcMinutes(CollectorConfig config) {
    List<Integer> out = new ArrayList<>();
    for (String label : config.getList(OHLC_CONFIG)) {
      int m = KrakenRecords.minutes(label.trim());
      if (m < 0) {
        throw new IllegalArgumentException("Kraken has no '" + label + "' candles: " + KrakenRecords.INTERVALS.values());
      }
      out.add(m);
    }
    return out;
  }

  @Override
  public Connections connections(CollectorConfig config) {
    KrakenProtocol protocol = protocol(config);
    String url = config.wsUrl();
    if (protocol == KrakenProtocol.V1 && url.equals(KrakenProtocol.V2.url())) {
      url = KrakenProtocol.V1.url();
    }
    List<Integer> minutes = ohlcMinutes(config);
    List<String> channels = new ArrayList<>(config.channels());
    if (minutes.isEmpty()) {
      channels.remove("ohlc");
    }
    return new KrakenSubscriptions(protocol, url, channels, config.getInt(BOOK_DEPTH_CONFIG), minutes);
  }

  KrakenPairs pairs(CollectorConfig config) {
    return pairs.computeIfAbsent(config, c -> new KrakenPairs());
  }

  @Override
  public FrameParser parser(CollectorConfig config) {
    return parser(protocol(config), pairs(config), connections(config).bookChannel() == null);
  }

  static FrameParser parser(KrakenProtocol protocol, KrakenPairs pairs) {
    return parser(protocol, pairs, true);
  }

  /** @param tickerQuotes whether tickers become quotes (not when the book is collected: its changes are the quotes) */
  static FrameParser parser(KrakenProtocol protocol, KrakenPairs pairs, boolean tickerQuotes) {
    return protocol == KrakenProtocol.V2 ? new KrakenV2Parser(ID, pairs, tickerQuotes) : new KrakenV1Parser(ID, pairs, tickerQuotes);
  }

  @Override
  public LimitPolicy restLimits(CollectorConfig config) {
    return KrakenRest.limits(config.restBudget());
  }

  @Override
  public Optional<BookRules> books(CollectorConfig config, BudgetedRestClient rest, Clock clock) {
    if (connections(config).bookChannel() == null) {
      return Optional.empty();
    }
    return Optional.of(rules(config.getInt(BOOK_DEPTH_CONFIG), pairs(config)));
  }

  /**
   * Kraken's books: snapshots in the stream, no sequence, each delta checked against its checksum
   * after the book is truncated to the subscribed depth; a snapshot's time is when we received it;
   * quotes read off the verified book, one per change of its best levels, numbered by its sequence.
   */
  static BookRules rules(int depth, KrakenPairs pairs) {
    return new BookRules(ChainRule.unsequenced(), BookRules.Snapshots.STREAM, null, new KrakenChecksum(pairs), depth,
        symbol -> "book:" + symbol, true, true);
  }

  @Override
  public RangeFetcher backfill(CollectorConfig config, BudgetedRestClient rest, Clock clock) {
    return rest(config, rest, clock);
  }

  private KrakenRest rest(CollectorConfig config, BudgetedRestClient rest, Clock clock) {
    List<String> candles = connections(config).channels().contains("ohlc") ? config.getList(OHLC_CONFIG) : List.of();
    return new KrakenRest(ID, rest, clock, pairs(config), protocol(config) == KrakenProtocol.V2, candles);
  }

  @Override
  public Optional<InstrumentSource> instruments(CollectorConfig config, BudgetedRestClient rest, Clock clock) {
    return Optional.of(rest(config, rest, clock));
  }

  @Override
  public Simulation simulation() {
    return new KrakenSimulation();
  }

  @Override
  public String restProbePath() {
    return "/0/public/Time";
  }
}
