package io.ticklake.producers.coinbase;

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
import io.ticklake.producers.rest.RestPoller;
import io.ticklake.producers.rest.TokenBucketPolicy;
import io.ticklake.producers.sim.Simulation;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Coinbase Exchange ({@code coinbase}), through its public market-data feed: {@code matches}
 * (trades with per-product contiguous ids, the maker's side turned into the aggressor's), {@code
 * level2_batch} books (a snapshot on subscribe, then updates; no sequence, so a fresh snapshot after
 * any disconnect, and quotes read off the synced book), {@code ticker} and {@code heartbeat} (the
 * last trade id, to notice missed matches), and closed 1m/5m/1h candles polled over REST after each
 * period. REST: a token bucket of 10 requests per second (bursts of 15), 429 handled by the shared
 * client; trade history by id fills any hole exactly.
 */
public final class CoinbaseVenue implements Venue {
  public static final String ID = "coinbase";
  public static final String CANDLES_CONFIG = "candles.intervals";
  private static final String CANDLES_DOC =
      "Closed venue candles polled over REST after each period: any of 1m, 5m, 15m, 1h, 6h, 1d; empty for none.";
  public static final String CANDLES_DELAY_MS_CONFIG = "candles.delay.ms";
  private static final String CANDLES_DELAY_MS_DOC =
      "How long after a period's end (the venue's clock) its candle is polled, so the venue has closed it.";

  private static final VenueDefaults DEFAULTS =
      new VenueDefaults(
          "wss://ws-feed.exchange.coinbase.com",
          "https://api.exchange.coinbase.com",
          List.of("BTC-USD", "ETH-USD", "SOL-USD", "XRP-USD", "DOGE-USD"),
          CoinbaseSubscriptions.DEFAULT_CHANNELS,
          // Public REST: 10 requests per second per IP.
          10,
          CoinbaseSubscriptions.MAX_PRODUCTS_PER_CONNECTION,
          // Unauthenticated clients: 8 messages per second per IP.
          5,
          // A BTC-USD level-2 snapshot is several MB.
          32 * 1024 * 1024);

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String displayName() {
    return "Coinbase Exchange";
  }

  @Override
  public VenueDefaults defaults() {
    return DEFAULTS;
  }

  @Override
  public VenueTraits traits() {
    // Hundreds of sparse products: a product may not trade for hours, and the heartbeat channel
    // (its last trade id, every second) tells a dead feed from a quiet market.
    return VenueTraits.continuous(Duration.ofSeconds(60)).withQuietSymbols(true);
  }

  @Override
  public ConfigDef configDef() {
    return new ConfigDef()
        .define(CANDLES_CONFIG, ConfigDef.Type.LIST, List.of("1m", "5m", "1h"), ConfigDef.Importance.MEDIUM, CANDLES_DOC)
        .define(CANDLES_DELAY_MS_CONFIG, ConfigDef.Type.LONG, 3000L, ConfigDef.Range.atLeast(0), ConfigDef.Importance.LOW,
            CANDLES_DELAY_MS_DOC);
  }

  @Override
  public String nativeSymbol(String configured) {
    return configured.toUpperCase(Locale.ROOT);
  }

  @Override
  public Connections connections(CollectorConfig config) {
    return new CoinbaseSubscriptions(config.wsUrl(), config.channels());
  }

  @Override
  public FrameParser parser(CollectorConfig config) {
    return new CoinbaseMessageParser(ID);
  }

  @Override
  public LimitPolicy restLimits(CollectorConfig config) {
    return new TokenBucketPolicy(config.restBudget(), config.restBudget() * 1.5);
  }

  @Override
  public Optional<BookRules> books(CollectorConfig config, BudgetedRestClient rest, Clock clock) {
    String channel = connections(config).bookChannel();
    if (channel == null) {
      return Optional.empty();
    }
    return Optional.of(new BookRules(ChainRule.unsequenced(), BookRules.Snapshots.STREAM, null, null, 0,
        symbol -> "level2:" + symbol, true, true));
  }

  @Override
  public RangeFetcher backfill(CollectorConfig config, BudgetedRestClient rest, Clock clock) {
    return new CoinbaseRest(ID, rest, clock);
  }

  @Override
  public List<RestPoller.PolledChannel> polled(CollectorConfig config, BudgetedRestClient rest, Supplier<List<String>> symbols) {
    List<String> intervals = config.getList(CANDLES_CONFIG);
    if (intervals.isEmpty()) {
      return List.of();
    }
    Duration delay = Duration.ofMillis(config.getLong(CANDLES_DELAY_MS_CONFIG));
    return new CoinbaseRest(ID, rest, Clock.systemUTC()).candleChannels(intervals, symbols, delay);
  }

  @Override
  public Optional<InstrumentSource> instruments(CollectorConfig config, BudgetedRestClient rest, Clock clock) {
    return Optional.of(new CoinbaseRest(ID, rest, clock));
  }

  @Override
  public Simulation simulation() {
    return new CoinbaseSimulation();
  }

  @Override
  public String restProbePath() {
    return "/time";
  }
}
