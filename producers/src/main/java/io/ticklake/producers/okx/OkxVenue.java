package io.ticklake.producers.okx;

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
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigDef;

/**
 * OKX ({@code okx}) over its v5 public WebSocket: {@code trades} (the taker's side; an entry may
 * aggregate one taker order's fills), {@code books} (400 levels, chained by {@code
 * seqId}/{@code prevSeqId}: a break resubscribes that instrument's book; a non-zero checksum, as in
 * recordings from before June 2026, is verified too), and closed candles from the business
 * endpoint ({@code candle1m}, {@code candle5m}, {@code candle1H}; {@code confirm "1"} is the closed
 * bar). Quotes are read off the book. REST: history of trades (three months) and candles (years).
 * Swaps and futures trade in contracts: sizes and CVD stay in contracts, the {@code Instrument}
 * record gives the contract value and its currency.
 */
public final class OkxVenue implements Venue {
  public static final String ID = "okx";
  public static final String BUSINESS_URL_CONFIG = "ws.business.url";
  private static final String BUSINESS_URL_DOC =
      "OKX's business WebSocket endpoint, where its candles are served; empty: ws.url with /public replaced by /business.";
  public static final String CANDLES_CONFIG = "candles.intervals";
  private static final String CANDLES_DOC =
      "Venue candles subscribed on the business endpoint and written once closed: any of 1m, 5m, 15m, 30m, 1h, 4h, 1d (UTC); empty for none.";
  public static final String BOOK_SEQUENCE_CONFIG = "book.sequence";
  private static final String BOOK_SEQUENCE_DOC =
      "How books are chained: seqid (prevSeqId equals the previous seqId; OKX's feed) or none (recordings from before "
          + "seqId existed: the collector numbers the book and the checksum is its check). A replay sets it from its capture.";

  private static final VenueDefaults DEFAULTS =
      new VenueDefaults(
          "wss://ws.okx.com:8443/ws/v5/public",
          "https://www.okx.com",
          List.of("BTC-USD", "ETH-USD", "SOL-USD", "XRP-USD", "DOGE-USD"),
          OkxSubscriptions.DEFAULT_CHANNELS,
          // 20 requests per 2 s per endpoint and IP.
          10,
          OkxSubscriptions.MAX_SYMBOLS_PER_CONNECTION,
          // 480 subscribe requests per hour per connection: a few a second is ample.
          5,
          // A 400-level snapshot is tens of kB.
          8 * 1024 * 1024);

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String displayName() {
    return "OKX";
  }

  @Override
  public VenueDefaults defaults() {
    return DEFAULTS;
  }

  @Override
  public VenueTraits traits() {
    // An entry of the trades channel aggregates a taker order's fills: its ids step over the others.
    return new VenueTraits(Duration.ofSeconds(60), true, false, false, false, false);
  }

  @Override
  public ConfigDef configDef() {
    return new ConfigDef()
        .define(BUSINESS_URL_CONFIG, ConfigDef.Type.STRING, "", ConfigDef.Importance.LOW, BUSINESS_URL_DOC)
        .define(CANDLES_CONFIG, ConfigDef.Type.LIST, List.of("1m", "5m", "1h"), ConfigDef.Importance.MEDIUM, CANDLES_DOC)
        .define(BOOK_SEQUENCE_CONFIG, ConfigDef.Type.STRING, "seqid", ConfigDef.ValidString.in("seqid", "none"),
            ConfigDef.Importance.LOW, BOOK_SEQUENCE_DOC);
  }

  @Override
  public String nativeSymbol(String configured) {
    return OkxSymbols.nativeSymbol(configured);
  }

  /** The business endpoint: as configured, or the public one's URL with {@code /public} made {@code /business}. */
  static String businessUrl(CollectorConfig config) {
    String set = config.getString(BUSINESS_URL_CONFIG);
    if (!set.isBlank()) {
      return set;
    }
    String pub = config.wsUrl();
    return pub.endsWith("/public") ? pub.substring(0, pub.length() - "/public".length()) + "/business" : pub;
  }

  @Override
  public Connections connections(CollectorConfig config) {
    return new OkxSubscriptions(config.wsUrl(), businessUrl(config), config.channels(), config.getList(CANDLES_CONFIG));
  }

  @Override
  public FrameParser parser(CollectorConfig config) {
    return new OkxMessageParser(ID, connections(config).bookChannel() == null);
  }

  @Override
  public LimitPolicy restLimits(CollectorConfig config) {
    return OkxRest.limits(config.restBudget());
  }

  @Override
  public Optional<BookRules> books(CollectorConfig config, BudgetedRestClient rest, Clock clock) {
    if (connections(config).bookChannel() == null) {
      return Optional.empty();
    }
    return Optional.of(rules("seqid".equals(config.getString(BOOK_SEQUENCE_CONFIG))));
  }

  /**
   * OKX's books: snapshots in the stream; {@code prevSeqId} must be the previous {@code seqId}
   * (or, for recordings from before seqId, no chain: the collector numbers the book); a non-zero
   * checksum verified; quotes read off the book.
   */
  static BookRules rules(boolean seqId) {
    return new BookRules(seqId ? ChainRule.prevSeqId() : ChainRule.unsequenced(), BookRules.Snapshots.STREAM, null,
        new OkxChecksum(), 0, symbol -> "books:" + symbol, true, false);
  }

  @Override
  public RangeFetcher backfill(CollectorConfig config, BudgetedRestClient rest, Clock clock) {
    return rest(config, rest, clock);
  }

  private OkxRest rest(CollectorConfig config, BudgetedRestClient rest, Clock clock) {
    List<String> candles = config.channels().contains("candles") ? config.getList(CANDLES_CONFIG) : List.of();
    return new OkxRest(ID, rest, clock, candles);
  }

  @Override
  public Optional<InstrumentSource> instruments(CollectorConfig config, BudgetedRestClient rest, Clock clock) {
    return Optional.of(rest(config, rest, clock));
  }

  @Override
  public Simulation simulation() {
    return new OkxSimulation();
  }

  @Override
  public String restProbePath() {
    return "/api/v5/public/time";
  }
}
