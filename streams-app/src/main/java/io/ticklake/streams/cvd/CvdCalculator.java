package io.ticklake.streams.cvd;

import io.ticklake.schema.serde.Decimals;
import io.ticklake.schema.v1.Candle;
import io.ticklake.schema.v1.Cvd;
import io.ticklake.schema.v1.Side;
import io.ticklake.schema.v1.Trade;
import io.ticklake.streams.internal.Times;
import java.math.BigDecimal;
import java.time.Instant;
import org.apache.kafka.streams.kstream.Aggregator;

/**
 * Cumulative volume delta, pure: +size when the aggressor bought, −size when it sold. Only market
 * trades count ({@code marketTrade=false} prints such as liquidations are skipped); a trade whose
 * side is UNKNOWN is counted in {@code tradeCount} but moves neither delta nor volumes.
 *
 * <p>As an {@link Aggregator} it builds the delta of one minute; {@link #close} then fixes the
 * window and adds the running total since the start of the UTC day.
 */
public final class CvdCalculator implements Aggregator<String, Trade, Cvd> {
  static final BigDecimal ZERO = Decimals.of(BigDecimal.ZERO);

  /** The signed aggressor volume of one trade (0 for non-market trades or unknown side). */
  public static BigDecimal signedVolume(Trade trade) {
    if (!trade.getMarketTrade()) {
      return ZERO;
    }
    return switch (trade.getSide()) {
      case BUY -> trade.getSize();
      case SELL -> trade.getSize().negate();
      default -> ZERO;
    };
  }

  /** The initial aggregate of a minute. */
  public static Cvd empty() {
    return Cvd.newBuilder()
        .setVenue("")
        .setSymbol("")
        .setWindowStart(Instant.EPOCH)
        .setWindowEnd(Instant.EPOCH)
        .setDelta(ZERO)
        .setCumulative(ZERO)
        .setBuyVolume(ZERO)
        .setSellVolume(ZERO)
        .setTradeCount(0L)
        .setEventTime(Instant.EPOCH)
        .build();
  }

  @Override
  public Cvd apply(String key, Trade trade, Cvd agg) {
    if (!trade.getMarketTrade()) {
      return agg;
    }
    Side side = trade.getSide();
    BigDecimal size = trade.getSize();
    Instant eventTime =
        trade.getEventTime().isAfter(agg.getEventTime()) ? trade.getEventTime() : agg.getEventTime();
    return Cvd.newBuilder(agg)
        .setVenue(trade.getVenue())
        .setSymbol(trade.getSymbol())
        .setDelta(Decimals.of(agg.getDelta().add(signedVolume(trade))))
        .setBuyVolume(side == Side.BUY ? Decimals.of(agg.getBuyVolume().add(size)) : agg.getBuyVolume())
        .setSellVolume(
            side == Side.SELL ? Decimals.of(agg.getSellVolume().add(size)) : agg.getSellVolume())
        .setTradeCount(agg.getTradeCount() + 1)
        .setEventTime(eventTime)
        .build();
  }

  /**
   * The minute's CVD from the same minute's candle aggregate, which sums the same trades (on-time
   * market trades, deduplicated): delta = taker buy volume − taker sell volume, and the candle's
   * close time while in progress is the newest trade's event time. Equal to {@link #apply} over
   * those trades, at the cost of none: the topology keeps one window per trade minute, not two.
   * Window bounds and the cumulative value are left to {@link #close}.
   */
  public static Cvd ofCandle(Candle inProgress) {
    BigDecimal buy = inProgress.getTakerBuyVolume() == null ? ZERO : inProgress.getTakerBuyVolume();
    BigDecimal sell = inProgress.getTakerSellVolume() == null ? ZERO : inProgress.getTakerSellVolume();
    return Cvd.newBuilder()
        .setVenue(inProgress.getVenue())
        .setSymbol(inProgress.getSymbol())
        .setWindowStart(Instant.EPOCH)
        .setWindowEnd(Instant.EPOCH)
        .setDelta(Decimals.of(buy.subtract(sell)))
        .setCumulative(ZERO)
        .setBuyVolume(buy)
        .setSellVolume(sell)
        .setTradeCount(inProgress.getTradeCount())
        .setEventTime(inProgress.getTradeCount() == 0 ? Instant.EPOCH : inProgress.getCloseTime())
        .build();
  }

  /**
   * The closed minute: window bounds set, and the cumulative delta since the start of the UTC day
   * of {@code windowStart}, carried from {@code previous} (the last closed minute of this key, or
   * null) when it is of the same UTC day.
   */
  public static Cvd close(Cvd minute, Instant windowStart, Instant windowEnd, Cvd previous) {
    BigDecimal carried = ZERO;
    if (previous != null
        && Times.utcDayStart(previous.getWindowStart()).equals(Times.utcDayStart(windowStart))
        && previous.getWindowStart().isBefore(windowStart)) {
      carried = previous.getCumulative();
    }
    return Cvd.newBuilder(minute)
        .setWindowStart(windowStart)
        .setWindowEnd(windowEnd)
        .setCumulative(Decimals.of(carried.add(minute.getDelta())))
        .build();
  }
}
