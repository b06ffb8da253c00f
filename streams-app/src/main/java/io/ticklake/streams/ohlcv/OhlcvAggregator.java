package io.ticklake.streams.ohlcv;

import io.ticklake.schema.serde.Decimals;
import io.ticklake.schema.v1.Candle;
import io.ticklake.schema.v1.Side;
import io.ticklake.schema.v1.Trade;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import io.ticklake.streams.internal.ClosingWindows;
import org.apache.kafka.streams.kstream.Aggregator;

/**
 * Builds a candle from trades, updating the aggregate it is given. Open and close follow event time, not arrival, so a trade
 * that arrives out of order (within the grace) still lands in the right place; equal event times
 * keep arrival order.
 *
 * <p>While a candle is in progress its {@code openTime} and {@code closeTime} hold the event times
 * of the open and close trades; {@link #close} replaces them by the window bounds.
 */
public final class OhlcvAggregator implements Aggregator<String, Trade, Candle> {
  static final BigDecimal ZERO = Decimals.of(BigDecimal.ZERO);

  /** The empty candle of the given interval, before its first trade. */
  public static Candle empty(String interval) {
    return Candle.newBuilder()
        .setVenue("")
        .setSymbol("")
        .setInterval(interval)
        .setSource("derived")
        .setOpenTime(Instant.EPOCH)
        .setCloseTime(Instant.EPOCH)
        .setOpen(ZERO)
        .setHigh(ZERO)
        .setLow(ZERO)
        .setClose(ZERO)
        .setVolume(ZERO)
        .setQuoteVolume(ZERO)
        .setVwap(null)
        .setTradeCount(0L)
        .setTakerBuyVolume(ZERO)
        .setTakerSellVolume(ZERO)
        .setClosed(false)
        .setEventTime(Instant.EPOCH)
        .build();
  }

  /** The empty 1-minute candle. */
  public static Candle empty() {
    return empty("1m");
  }

  @Override
  public Candle apply(String key, Trade trade, Candle agg) {
    if (!trade.getMarketTrade()) {
      return agg; // candles count market trades only
    }
    BigDecimal price = trade.getPrice();
    BigDecimal size = trade.getSize();
    Instant t = trade.getEventTime();
    // In place: Kafka Streams hands every call an aggregate freshly read from the store (or a new
    // empty one), and a builder copy of every field per trade cost more than the arithmetic.
    agg.setVenue(trade.getVenue());
    agg.setSymbol(trade.getSymbol());
    if (agg.getTradeCount() == 0) {
      agg.setOpen(price);
      agg.setHigh(price);
      agg.setLow(price);
      agg.setClose(price);
      agg.setOpenTime(t);
      agg.setCloseTime(t);
    } else {
      if (t.isBefore(agg.getOpenTime())) {
        agg.setOpen(price);
        agg.setOpenTime(t);
      }
      if (!t.isBefore(agg.getCloseTime())) {
        agg.setClose(price);
        agg.setCloseTime(t);
      }
      if (price.compareTo(agg.getHigh()) > 0) {
        agg.setHigh(price);
      }
      if (price.compareTo(agg.getLow()) < 0) {
        agg.setLow(price);
      }
    }
    agg.setVolume(Decimals.of(agg.getVolume().add(size)));
    // price x size is exact at scale 36; venue decimals have far fewer digits, so this is exact too.
    agg.setQuoteVolume(Decimals.of(agg.getQuoteVolume().add(price.multiply(size).setScale(18, RoundingMode.HALF_EVEN))));
    agg.setTradeCount(agg.getTradeCount() + 1);
    if (trade.getSide() == Side.BUY) {
      agg.setTakerBuyVolume(Decimals.of(agg.getTakerBuyVolume().add(size)));
    } else if (trade.getSide() == Side.SELL) {
      agg.setTakerSellVolume(Decimals.of(agg.getTakerSellVolume().add(size)));
    }
    return agg;
  }

  /** 1-minute candles of market trades, for {@link ClosingWindows}. */
  public static ClosingWindows.Aggregation<Trade, Candle> minutes() {
    OhlcvAggregator aggregator = new OhlcvAggregator();
    return new ClosingWindows.Aggregation<>() {
      @Override
      public Candle empty(Instant start, Instant end) {
        Candle c = OhlcvAggregator.empty();
        c.setOpenTime(start); // until the first trade: inside the window, whatever is added
        c.setCloseTime(start);
        return c;
      }

      @Override
      public void add(Candle aggregate, Trade trade) {
        aggregator.apply(null, trade, aggregate);
      }

      @Override
      public Instant someTimeIn(Candle aggregate) {
        return aggregate.getOpenTime(); // the first trade's time while in progress
      }
    };
  }

  /**
   * The candle with its VWAP: set when the window closes ({@link #close}) and for an in-progress
   * candle when it is read ({@code QueryService}), not at every trade, since it is a division.
   */
  public static Candle withVwap(Candle c) {
    c.setVwap(vwap(c.getQuoteVolume(), c.getVolume()));
    return c;
  }

  /** quoteVolume / volume rounded half-even to scale 18; null when either is null or volume 0. */
  static BigDecimal vwap(BigDecimal quoteVolume, BigDecimal volume) {
    if (quoteVolume == null || volume == null || volume.signum() == 0) {
      return null;
    }
    return quoteVolume.divide(volume, 18, RoundingMode.HALF_EVEN);
  }

  /** The final candle of a closed window {@code [start, end)}, its VWAP computed. */
  public static Candle close(Candle agg, Instant start, Instant end) {
    return Candle.newBuilder(agg)
        .setVwap(vwap(agg.getQuoteVolume(), agg.getVolume()))
        .setOpenTime(start)
        .setCloseTime(end)
        .setClosed(true)
        .setEventTime(end)
        .build();
  }
}
