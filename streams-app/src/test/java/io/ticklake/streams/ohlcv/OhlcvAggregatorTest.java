package io.ticklake.streams.ohlcv;

import static io.ticklake.streams.Fixtures.KEY;
import static io.ticklake.streams.Fixtures.T0;
import static io.ticklake.streams.Fixtures.d;
import static io.ticklake.streams.Fixtures.trade;
import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.schema.v1.Candle;
import io.ticklake.schema.v1.Side;
import io.ticklake.schema.v1.Trade;
import java.util.List;
import org.junit.jupiter.api.Test;

class OhlcvAggregatorTest {
  private final OhlcvAggregator agg = new OhlcvAggregator();

  static Candle fold(List<Trade> trades) {
    Candle c = OhlcvAggregator.empty();
    for (Trade t : trades) {
      c = new OhlcvAggregator().apply(KEY, t, c);
    }
    return c;
  }

  @Test
  void ohlcVwapAndTakerVolumes() {
    Candle c =
        fold(
            List.of(
                trade(1, T0.plusSeconds(1), Side.BUY, "100", "1"),
                trade(2, T0.plusSeconds(2), Side.SELL, "102", "2"),
                trade(3, T0.plusSeconds(3), Side.BUY, "99", "1")));
    c = OhlcvAggregator.close(c, T0, T0.plusSeconds(60));
    assertThat(c.getOpen()).isEqualTo(d("100"));
    assertThat(c.getHigh()).isEqualTo(d("102"));
    assertThat(c.getLow()).isEqualTo(d("99"));
    assertThat(c.getClose()).isEqualTo(d("99"));
    assertThat(c.getVolume()).isEqualTo(d("4"));
    assertThat(c.getQuoteVolume()).isEqualTo(d("403"));
    assertThat(c.getVwap()).isEqualTo(d("100.75"));
    assertThat(c.getTradeCount()).isEqualTo(3);
    assertThat(c.getTakerBuyVolume()).isEqualTo(d("2"));
    assertThat(c.getTakerSellVolume()).isEqualTo(d("2"));
    assertThat(c.getOpenTime()).isEqualTo(T0);
    assertThat(c.getCloseTime()).isEqualTo(T0.plusSeconds(60));
    assertThat(c.getClosed()).isTrue();
  }

  @Test
  void outOfOrderTradesOpenAndCloseByEventTime() {
    Candle c =
        fold(
            List.of(
                trade(2, T0.plusSeconds(20), Side.BUY, "101", "1"),
                trade(1, T0.plusSeconds(10), Side.BUY, "100", "1"),
                trade(3, T0.plusSeconds(30), Side.BUY, "103", "1"),
                trade(4, T0.plusSeconds(25), Side.BUY, "102", "1")));
    assertThat(c.getOpen()).isEqualTo(d("100"));
    assertThat(c.getClose()).isEqualTo(d("103"));
  }

  @Test
  void vwapRoundsHalfEvenAtScale18() {
    Candle c =
        fold(
            List.of(
                trade(1, T0, Side.BUY, "1", "1"),
                trade(2, T0, Side.BUY, "1", "1"),
                trade(3, T0, Side.BUY, "2", "1")));
    assertThat(c.getVwap()).as("in progress: computed when read or closed").isNull();
    c = OhlcvAggregator.close(c, T0, T0.plusSeconds(60));
    assertThat(c.getVwap()).isEqualTo(d("1.333333333333333333"));
    assertThat(c.getVwap().scale()).isEqualTo(18);
  }

  @Test
  void rollupOfMinutesEqualsCandleOfAllTrades() {
    List<Trade> m0 = List.of(trade(1, T0.plusSeconds(5), Side.BUY, "100", "1"), trade(2, T0.plusSeconds(50), Side.SELL, "98", "3"));
    List<Trade> m1 = List.of(trade(3, T0.plusSeconds(65), Side.BUY, "105", "0.5"));
    List<Trade> m3 = List.of(trade(4, T0.plusSeconds(190), Side.SELL, "97", "2"), trade(5, T0.plusSeconds(200), Side.BUY, "99", "1"));
    CandleRollupAggregator rollup = new CandleRollupAggregator();
    Candle five = OhlcvAggregator.empty("5m");
    // Arrival order of the minutes does not matter.
    five = rollup.apply(KEY, OhlcvAggregator.close(fold(m3), T0.plusSeconds(180), T0.plusSeconds(240)), five);
    five = rollup.apply(KEY, OhlcvAggregator.close(fold(m0), T0, T0.plusSeconds(60)), five);
    five = rollup.apply(KEY, OhlcvAggregator.close(fold(m1), T0.plusSeconds(60), T0.plusSeconds(120)), five);
    five = OhlcvAggregator.close(five, T0, T0.plusSeconds(300));

    List<Trade> all = new java.util.ArrayList<>(m0);
    all.addAll(m1);
    all.addAll(m3);
    Candle direct = OhlcvAggregator.close(fold(all), T0, T0.plusSeconds(300));
    assertThat(five).isEqualTo(Candle.newBuilder(direct).setInterval("5m").build());
  }

  @Test
  void nonMarketTradesAreIgnored() {
    Trade adl = Trade.newBuilder(trade(1, T0, Side.SELL, "1", "1")).setMarketTrade(false).build();
    assertThat(agg.apply(KEY, adl, OhlcvAggregator.empty()).getTradeCount()).isZero();
  }
}
