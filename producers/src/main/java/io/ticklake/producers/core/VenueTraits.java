package io.ticklake.producers.core;

import java.time.Duration;

/**
 * What the rest of the pipeline must know about a venue to judge its data fairly: how long a quiet
 * stream may stay quiet, whether it trades around the clock, whether its trade ids leave no holes.
 * The Streams app's gap detection and the lake QA read these (through {@code ./ticklake}), so a
 * quiet market or a venue polled every 30 minutes is not reported as a gap every minute.
 *
 * @param staleAfter a trade or quote stream silent for this long is reported as stale
 * @param continuousTrading true when the venue trades around the clock (a missing 1-minute candle
 *     is a gap); false for venues with sessions or sparse markets (missing minutes are normal)
 * @param contiguousTradeIds true when each symbol's trade ids run without holes (a jump is a gap
 *     to backfill); false when ids are shared across symbols, hashes or otherwise not a sequence
 * @param tradeIdsByChannel true when the trade ids of different channels are separate sequences
 *     (aggregate and individual trades), so continuity is checked per channel
 * @param quietSymbols true when a symbol may go without a trade for hours (a venue listing sparse
 *     markets) and the venue's own heartbeats tell a dead feed from a quiet market: a silence of
 *     trades, and the minutes without a candle it leaves, are then neither a stale stream nor a gap
 *     (its book and quotes are still judged)
 * @param candlesCountTrades true when the trade count of the venue's candles counts the very trades
 *     its collector receives; false when it counts something else (individual trades behind the
 *     aggregated ones a stream sends) or the venue gives none. The candle self-audit compares counts
 *     only when true.
 */
public record VenueTraits(
    Duration staleAfter, boolean continuousTrading, boolean contiguousTradeIds, boolean tradeIdsByChannel,
    boolean quietSymbols, boolean candlesCountTrades) {

  /** A crypto venue: trades around the clock, numbers trades per symbol without holes. */
  public static VenueTraits continuous(Duration staleAfter) {
    return new VenueTraits(staleAfter, true, true, false, false, false);
  }

  public VenueTraits withTradeIdsByChannel(boolean byChannel) {
    return new VenueTraits(staleAfter, continuousTrading, contiguousTradeIds, byChannel, quietSymbols, candlesCountTrades);
  }

  public VenueTraits withQuietSymbols(boolean quiet) {
    return new VenueTraits(staleAfter, continuousTrading, contiguousTradeIds, tradeIdsByChannel, quiet, candlesCountTrades);
  }

  public VenueTraits withCandlesCountingTrades(boolean counts) {
    return new VenueTraits(staleAfter, continuousTrading, contiguousTradeIds, tradeIdsByChannel, quietSymbols, counts);
  }
}
