package io.ticklake.producers.core;

import io.ticklake.producers.backfill.RangeFetcher;
import io.ticklake.producers.book.BookRules;
import io.ticklake.producers.rest.BudgetedRestClient;
import io.ticklake.producers.rest.LimitPolicy;
import io.ticklake.producers.rest.RestPoller;
import io.ticklake.producers.sim.Simulation;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.kafka.common.config.ConfigDef;

/**
 * One venue: what the shared collector runtime needs to collect it, and nothing it could share.
 * Found with {@link java.util.ServiceLoader} ({@link Venues}); a new venue is a package with an
 * implementation of this, its parser, subscriptions, REST calls and simulator profile, plus one line
 * in {@code META-INF/services/io.ticklake.producers.core.Venue}.
 *
 * <p>Everything venue-neutral is the runtime's ({@link VenueRuntime}, {@link Collector}): the raw
 * and normalized producers, dead letters, disconnect gaps, the order-book sync, periodic book
 * snapshots, live symbol changes, sharding over connections, the REST budget and its 429/418
 * handling, the gap backfill loop, polled channels.
 */
public interface Venue {

  /** The venue id ({@code coinbase}, {@code kraken}): lower case, digits and {@code -}. */
  String id();

  /** A name for people ({@code Coinbase Exchange}). */
  String displayName();

  /** Endpoints, symbols, channels and limits when configuration says nothing. */
  VenueDefaults defaults();

  /** What Streams DQ and lake QA must know to judge this venue's data. */
  VenueTraits traits();

  /** Settings of this venue beyond the runtime's ({@link CollectorConfig}); none by default. */
  default ConfigDef configDef() {
    return new ConfigDef();
  }

  /**
   * How to subscribe the configured channels.
   *
   * @throws IllegalArgumentException for a channel the venue does not have, naming the ones it has
   */
  Connections connections(CollectorConfig config);

  /** The frame parser for the configured channels. */
  FrameParser parser(CollectorConfig config);

  /** The REST limits ({@code rest.budget} is the policy's budget). */
  LimitPolicy restLimits(CollectorConfig config);

  /** How books are kept, or empty when the configured channels carry no book. */
  Optional<BookRules> books(CollectorConfig config, BudgetedRestClient rest, Clock clock);

  /** The REST history for the gap backfill. */
  RangeFetcher backfill(CollectorConfig config, BudgetedRestClient rest, Clock clock);

  /**
   * Channels polled over REST on a schedule (Coinbase's closed candles); none by default.
   *
   * @param symbols the symbols collected when a poll runs (a reload changes them)
   */
  default List<RestPoller.PolledChannel> polled(CollectorConfig config, BudgetedRestClient rest, Supplier<List<String>> symbols) {
    return List.of();
  }

  /** Reference data of the collected symbols, if the venue publishes it. */
  default Optional<InstrumentSource> instruments(CollectorConfig config, BudgetedRestClient rest, Clock clock) {
    return Optional.empty();
  }

  /**
   * A configured symbol in the venue's own spelling ({@code btc-usd} is {@code BTC-USD} at a venue
   * that spells symbols in capitals); as given by default.
   */
  default String nativeSymbol(String configured) {
    return configured;
  }

  /**
   * A configured symbol in the venue's own spelling under {@code settings} (the collector's
   * settings, bare or {@code venue.<id>.} keys), for venues whose spelling depends on them (Kraken
   * v1 names {@code BTC-USD} {@code XBT/USD}, v2 {@code BTC/USD}); {@link #nativeSymbol(String)}
   * by default.
   */
  default String nativeSymbol(String configured, Map<?, ?> settings) {
    return nativeSymbol(configured);
  }

  /** The venue offline: simulator profile, shipped capture, capture reading and looping. */
  Simulation simulation();

  /** A cheap public REST path that answers 200 when the venue is reachable ({@code doctor}). */
  String restProbePath();

  /**
   * Whether the short configuration names ({@code symbols}, {@code ws.url}, {@code channels}, ...)
   * also mean this venue, as they did before there were several: true for the venue ticklake was
   * first written for, so existing configuration files keep working.
   */
  default boolean ownsShortKeys() {
    return false;
  }
}
