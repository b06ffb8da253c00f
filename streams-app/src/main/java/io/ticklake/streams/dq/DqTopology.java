package io.ticklake.streams.dq;

import io.ticklake.schema.topic.Topics;
import io.ticklake.schema.v1.Candle;
import io.ticklake.schema.v1.DataQualityEvent;
import io.ticklake.schema.v1.GapEvent;
import io.ticklake.schema.v1.Quote;
import io.ticklake.schema.v1.Trade;
import io.ticklake.streams.AppConfig;
import io.ticklake.streams.serde.SerdeFactory;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/**
 * Gap detection, all to the gaps topic: trade-id jumps, missing 1m candles (derived) and venue
 * candles (1m, 5m, 1h),
 * stale trade and quote streams (wall clock), and the producers' own gap events passed through;
 * and the candle self-audit ({@link CandleAudit}) to the data-quality topic.
 */
public final class DqTopology {
  /** A silence no venue reaches: trades of a venue with quiet symbols are never stale. */
  private static final java.time.Duration NEVER = java.time.Duration.ofDays(36_500);

  /** The last trade id and its time per key and channel ({@link TradeIdGapProcessor.LastTrade}). */
  public static final String TRADE_ID_STORE = "dq-trade-id-last-store";
  public static final String OHLCV_LAST_STORE = "dq-ohlcv-1m-last-store";
  public static final String VENUE_CANDLE_LAST_STORE = "dq-candles-1m-last-store";
  public static final String STALE_TRADES_STORE = "dq-stale-trades-store";
  public static final String STALE_QUOTES_STORE = "dq-stale-quotes-store";

  private DqTopology() {}

  /**
   * @param trades all deduplicated trades (market or not)
   * @param quotes deduplicated quotes
   * @param minutes closed derived 1m candles
   */
  public static void addTo(
      StreamsBuilder builder,
      KStream<String, Trade> trades,
      KStream<String, Quote> quotes,
      KStream<String, Candle> minutes,
      AppConfig config,
      SerdeFactory serdes) {
    Serde<String> keys = serdes.key();
    Serde<GapEvent> gaps = serdes.value(GapEvent.class);
    Serde<Candle> candles = serdes.value(Candle.class);

    // Each venue is judged by its traits: a venue with sessions or sparse markets has minutes
    // without trades, a venue whose ids are not a sequence has no jumps, a polled venue is quiet
    // between polls, a venue of sparse markets (quiet symbols) has hours without a trade, which
    // its heartbeats tell from a dead feed.
    java.util.function.Function<String, AppConfig.VenueTraits> traits = config.venueTraits();
    java.util.function.Predicate<String> everyMinute = v -> traits.apply(v).continuousTrading() && !traits.apply(v).quietSymbols();
    KStream<String, GapEvent> tradeIds =
        trades.processValues(new TradeIdGapProcessor(TRADE_ID_STORE, v -> traits.apply(v).contiguousTradeIds()),
            Named.as("dq-trade-id-gaps"));
    KStream<String, GapEvent> derivedMinutes =
        minutes.processValues(new MissingCandleProcessor(OHLCV_LAST_STORE, "ohlcv-1m", everyMinute::test),
            Named.as("dq-ohlcv-1m-gaps"));
    KStream<String, Candle> venueCandles =
        builder.stream(Topics.VENUE_CANDLES, Consumed.with(keys, candles).withName("venue-candles-source"));
    KStream<String, GapEvent> venueMinutes =
        venueCandles
            .processValues(new MissingCandleProcessor(VENUE_CANDLE_LAST_STORE, "candles", MissingCandleProcessor.VENUE_INTERVALS,
                    everyMinute::test),
                Named.as("dq-candles-1m-gaps"));
    KStream<String, GapEvent> staleTrades =
        trades.process(
            new StaleStreamProcessor<Trade>(
                STALE_TRADES_STORE, "trades", v -> traits.apply(v).quietSymbols() ? NEVER : traits.apply(v).staleAfter(),
                config.staleCheckInterval(), Trade::getEventTime,
                t -> io.ticklake.streams.dq.Deduplication.canonicalLong(t.getTradeId())),
            Named.as("dq-stale-trades"));
    KStream<String, GapEvent> staleQuotes =
        quotes.process(
            new StaleStreamProcessor<Quote>(
                STALE_QUOTES_STORE, "quotes", v -> traits.apply(v).staleAfter(), config.staleCheckInterval(), Quote::getEventTime,
                q -> null),
            Named.as("dq-stale-quotes"));

    // The self-audit: each closed venue minute against the one built from the trades received.
    venueCandles
        .filter((k, c) -> CandleAudit.audited(c) && "venue".equals(c.getSource()), Named.as("dq-candle-audit-venue"))
        .merge(minutes.filter((k, c) -> CandleAudit.audited(c), Named.as("dq-candle-audit-derived")), Named.as("dq-candle-audit-both"))
        .processValues(new CandleAudit(v -> traits.apply(v).candlesCountTrades(), serdes.state(Candle.class)), Named.as("dq-candle-audit"))
        .to(Topics.DATA_QUALITY, Produced.with(keys, serdes.value(DataQualityEvent.class)).withName("dq-candle-audit-sink"));

    // Each to the gaps topic on its own: a merge would join the trades', quotes' and candles'
    // processing into one task (see TopologyFactory).
    tradeIds.to(Topics.GAPS, Produced.with(keys, gaps).withName("gaps-trade-id-sink"));
    derivedMinutes.to(Topics.GAPS, Produced.with(keys, gaps).withName("gaps-ohlcv-1m-sink"));
    venueMinutes.to(Topics.GAPS, Produced.with(keys, gaps).withName("gaps-candles-1m-sink"));
    staleTrades.to(Topics.GAPS, Produced.with(keys, gaps).withName("gaps-stale-trades-sink"));
    staleQuotes.to(Topics.GAPS, Produced.with(keys, gaps).withName("gaps-stale-quotes-sink"));
    String producerGaps = config.producerGapsTopic();
    if (producerGaps != null) {
      builder
          .stream(producerGaps, Consumed.with(keys, gaps).withName("producer-gaps-source"))
          .to(Topics.GAPS, Produced.with(keys, gaps).withName("gaps-producer-sink"));
    }
  }
}
