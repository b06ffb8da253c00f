package io.ticklake.streams.ohlcv;

import io.ticklake.schema.serde.Decimals;
import io.ticklake.schema.v1.Candle;
import java.math.BigDecimal;
import org.apache.kafka.streams.kstream.Aggregator;

/**
 * Rolls closed 1-minute candles up into a longer interval, pure. Open comes from the earliest
 * constituent and close from the latest, whatever the arrival order; sums are exact. A nullable sum
 * (quote volume, taker sell volume) is null when any constituent's is.
 *
 * <p>While in progress {@code openTime}/{@code closeTime} are the earliest constituent's open and
 * the latest constituent's close; {@link OhlcvAggregator#close} sets the window bounds.
 */
public final class CandleRollupAggregator implements Aggregator<String, Candle, Candle> {

  @Override
  public Candle apply(String key, Candle one, Candle agg) {
    if (one.getTradeCount() == 0) {
      return agg;
    }
    Candle.Builder b =
        Candle.newBuilder(agg).setVenue(one.getVenue()).setSymbol(one.getSymbol()).setSource("derived");
    if (agg.getTradeCount() == 0) {
      b.setOpen(one.getOpen())
          .setHigh(one.getHigh())
          .setLow(one.getLow())
          .setClose(one.getClose())
          .setOpenTime(one.getOpenTime())
          .setCloseTime(one.getCloseTime());
    } else {
      if (one.getOpenTime().isBefore(agg.getOpenTime())) {
        b.setOpen(one.getOpen()).setOpenTime(one.getOpenTime());
      }
      if (!one.getCloseTime().isBefore(agg.getCloseTime())) {
        b.setClose(one.getClose()).setCloseTime(one.getCloseTime());
      }
      b.setHigh(one.getHigh().compareTo(agg.getHigh()) > 0 ? one.getHigh() : agg.getHigh());
      b.setLow(one.getLow().compareTo(agg.getLow()) < 0 ? one.getLow() : agg.getLow());
    }
    BigDecimal volume = Decimals.of(agg.getVolume().add(one.getVolume()));
    BigDecimal quoteVolume = sum(agg.getQuoteVolume(), one.getQuoteVolume());
    b.setVolume(volume)
        .setQuoteVolume(quoteVolume)
        .setVwap(OhlcvAggregator.vwap(quoteVolume, volume))
        .setTradeCount(agg.getTradeCount() + one.getTradeCount())
        .setTakerBuyVolume(Decimals.of(agg.getTakerBuyVolume().add(one.getTakerBuyVolume())))
        .setTakerSellVolume(sum(agg.getTakerSellVolume(), one.getTakerSellVolume()));
    return b.build();
  }

  private static BigDecimal sum(BigDecimal a, BigDecimal b) {
    return a == null || b == null ? null : Decimals.of(a.add(b));
  }
}
