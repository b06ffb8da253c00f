package io.ticklake.producers.binance;

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
import io.ticklake.producers.rest.WeightPolicy;
import io.ticklake.producers.sim.Simulation;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Binance USD-M futures ({@code binance-usdm}): trades ({@code aggTrade} or {@code trade}), diff
 * depth synced to REST snapshots by the {@code U/u/pu} rules, {@code bookTicker} quotes and {@code
 * kline_<interval>} venue candles, over the combined stream; REST request weight per minute read
 * back from {@code X-MBX-USED-WEIGHT-1M}, with the 429 and 418 rules of the shared client.
 */
public final class BinanceUsdmVenue implements Venue {
  public static final String ID = "binance-usdm";
  /** Request weight per minute and IP. */
  public static final int WEIGHT_BUDGET = 2400;
  public static final double WEIGHT_STOP_FRACTION = 0.8;
  public static final String USED_WEIGHT_HEADER = "X-MBX-USED-WEIGHT-1M";

  private static final VenueDefaults DEFAULTS =
      new VenueDefaults(
          "wss://fstream.binance.com/stream",
          "https://fapi.binance.com",
          BinanceUsdmSubscriptions.DEFAULT_SYMBOLS,
          BinanceUsdmSubscriptions.DEFAULT_CHANNELS,
          WEIGHT_BUDGET,
          BinanceUsdmSubscriptions.MAX_STREAMS_PER_CONNECTION,
          // Binance: 10 incoming messages per second per connection.
          5,
          16 * 1024 * 1024);

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String displayName() {
    return "Binance USD-M futures";
  }

  @Override
  public VenueDefaults defaults() {
    return DEFAULTS;
  }

  @Override
  public VenueTraits traits() {
    // aggTrade and trade ids are two sequences; each runs without holes per symbol.
    return VenueTraits.continuous(Duration.ofSeconds(60)).withTradeIdsByChannel(true);
  }

  @Override
  public String nativeSymbol(String configured) {
    return configured.toUpperCase(Locale.ROOT);
  }

  @Override
  public Connections connections(CollectorConfig config) {
    return new BinanceUsdmSubscriptions(config.wsUrl(), config.channels());
  }

  @Override
  public FrameParser parser(CollectorConfig config) {
    return new BinanceMessageParser(ID);
  }

  @Override
  public LimitPolicy restLimits(CollectorConfig config) {
    return new WeightPolicy(config.restBudget(), WEIGHT_STOP_FRACTION, 60_000, USED_WEIGHT_HEADER);
  }

  @Override
  public Optional<BookRules> books(CollectorConfig config, BudgetedRestClient rest, Clock clock) {
    String depth = connections(config).bookChannel();
    if (depth == null) {
      return Optional.empty();
    }
    return Optional.of(new BookRules(ChainRule.prevPointer(), BookRules.Snapshots.REST, rest(config, rest, clock), null, 0,
        symbol -> BinanceUsdmSubscriptions.stream(symbol, depth)));
  }

  private static BinanceUsdmRest rest(CollectorConfig config, BudgetedRestClient rest, Clock clock) {
    return new BinanceUsdmRest(ID, rest, config.channels(), clock);
  }

  @Override
  public RangeFetcher backfill(CollectorConfig config, BudgetedRestClient rest, Clock clock) {
    return rest(config, rest, clock);
  }

  @Override
  public Optional<InstrumentSource> instruments(CollectorConfig config, BudgetedRestClient rest, Clock clock) {
    return Optional.of(rest(config, rest, clock));
  }

  @Override
  public Simulation simulation() {
    return new BinanceUsdmSimulation();
  }

  @Override
  public String restProbePath() {
    return "/fapi/v1/ping";
  }

  @Override
  public boolean ownsShortKeys() {
    return true;
  }
}
