package io.ticklake.streams;

import io.ticklake.schema.topic.Topics;
import io.ticklake.schema.v1.Candle;
import io.ticklake.schema.v1.Quote;
import io.ticklake.schema.v1.Trade;
import io.ticklake.streams.dq.Deduplication;
import io.ticklake.streams.dq.DqTopology;
import io.ticklake.streams.dq.LateRecordClassifier;
import io.ticklake.streams.features.FeaturesTopology;
import io.ticklake.streams.internal.EventTimeExtractor;
import io.ticklake.streams.internal.LateCheck;
import io.ticklake.streams.ofi.OfiTopology;
import io.ticklake.streams.ohlcv.LateMinutes;
import io.ticklake.streams.ohlcv.OhlcvTopology;
import io.ticklake.streams.serde.SerdeFactory;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The whole topology. Trades are deduplicated by (venue, symbol, tradeId) before anything else;
 * market trades are then checked against the 1-minute windows' grace, and late ones go to the late
 * topic (and are counted in {@link #TRADES_LATE_COUNT_STORE}) instead of being dropped by the
 * windows; a minute that never had a candle is built from its late trades ({@link LateMinutes}). Quotes without update ids are deduplicated by (venue, symbol, eventTime); quotes with
 * them are taken in update-id order by the OFI.
 *
 * <p>Trades and quotes share no processor, so each input partition is a task of its own, with its
 * own stream time: a lagging quotes partition never holds trades back, and is never judged late
 * by the trades' time. Whatever combines them (features, the gap report) reads their results back
 * from the output topics.
 */
public final class TopologyFactory {
  public static final String TRADES_DEDUP_STORE = "trades-dedup-store";
  public static final String TRADES_LATE_COUNT_STORE = "trades-late-count-store";

  private TopologyFactory() {}

  public static Topology build(AppConfig config, SerdeFactory serdes) {
    StreamsBuilder builder = new StreamsBuilder();

    KStream<String, Trade> trades =
        builder
            .stream(Topics.TRADES, Consumed.with(serdes.key(), serdes.value(Trade.class)).withName("trades-source")
                    .withTimestampExtractor(new EventTimeExtractor()))
            .processValues(
                new Deduplication<>(
                    TRADES_DEDUP_STORE, config.dedupTtl(), TopologyFactory::tradeId, t -> Deduplication.canonicalLong(t.getTradeId())),
                Named.as("trades-dedup"));

    Map<String, KStream<String, LateCheck<Trade>>> checked =
        trades
            .filter((k, t) -> t.getMarketTrade(), Named.as("trades-market-only"))
            .processValues(
                new LateRecordClassifier<Trade>(Duration.ofMinutes(1), config.ohlcvGrace(), TRADES_LATE_COUNT_STORE),
                Named.as("trades-late-check"))
            .split(Named.as("trades-"))
            .branch((k, v) -> v.late(), Branched.as("late"))
            .defaultBranch(Branched.as("on-time"));
    KStream<String, Trade> late = checked.get("trades-late").mapValues(LateCheck::value, Named.as("trades-late-unwrap"));
    late.to(Topics.LATE, Produced.with(serdes.key(), serdes.value(Trade.class)).withName("trades-late-sink"));
    KStream<String, Trade> onTime =
        checked.get("trades-on-time").mapValues(LateCheck::value, Named.as("trades-on-time-unwrap"));

    KStream<String, Quote> quotes = OfiTopology.dedupQuotes(builder, config, serdes);

    KStream<String, Candle> minutes = OhlcvTopology.addTo(builder, onTime, config, serdes);
    // A minute no candle was emitted for (an outage's, backfilled) is built from its late trades.
    late.process(new LateMinutes(serdes.state(Candle.class)), Named.as("ohlcv-1m-late-minutes"), OhlcvTopology.OHLCV_1M_STORE)
        .to(Topics.OHLCV_1M, Produced.with(serdes.key(), serdes.value(Candle.class)).withName("ohlcv-1m-late-sink"));
    OfiTopology.addTo(builder, quotes, config, serdes);
    DqTopology.addTo(builder, trades, quotes, minutes, config, serdes);
    FeaturesTopology.addTo(builder, minutes, config, serdes);
    return builder.build();
  }

  static String tradeId(Trade t) {
    return t.getVenue() + ":" + t.getSymbol() + ":" + t.getTradeId();
  }
}
