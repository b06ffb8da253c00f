package io.ticklake.streams.cvd;

import static io.ticklake.streams.Fixtures.KEY;
import static io.ticklake.streams.Fixtures.T0;
import static io.ticklake.streams.Fixtures.d;
import static io.ticklake.streams.Fixtures.trade;
import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.schema.v1.Cvd;
import io.ticklake.schema.v1.Side;
import io.ticklake.schema.v1.Trade;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CvdCalculatorTest {
  private final CvdCalculator calc = new CvdCalculator();

  @Test
  void signsByAggressorAndSkipsNonMarketTrades() {
    Cvd agg = CvdCalculator.empty();
    agg = calc.apply(KEY, trade(1, T0, Side.BUY, "100", "1.5"), agg);
    agg = calc.apply(KEY, trade(2, T0.plusSeconds(1), Side.SELL, "100", "0.4"), agg);
    agg = calc.apply(KEY, trade(3, T0.plusSeconds(2), Side.UNKNOWN, "100", "9"), agg);
    Trade liquidation = Trade.newBuilder(trade(4, T0.plusSeconds(3), Side.SELL, "100", "50")).setMarketTrade(false).build();
    agg = calc.apply(KEY, liquidation, agg);
    assertThat(agg.getDelta()).isEqualTo(d("1.1"));
    assertThat(agg.getBuyVolume()).isEqualTo(d("1.5"));
    assertThat(agg.getSellVolume()).isEqualTo(d("0.4"));
    assertThat(agg.getTradeCount()).isEqualTo(3);
    assertThat(agg.getEventTime()).isEqualTo(T0.plusSeconds(2));
    assertThat(CvdCalculator.signedVolume(liquidation)).isEqualTo(d("0"));
  }

  @Test
  void cumulativeRunsWithinTheUtcDayAndResetsAtMidnight() {
    Instant lastMinute = Instant.parse("2024-05-01T23:59:00Z");
    Cvd first =
        CvdCalculator.close(
            calc.apply(KEY, trade(1, lastMinute.minusSeconds(120), Side.BUY, "1", "2"), CvdCalculator.empty()),
            lastMinute.minusSeconds(120), lastMinute.minusSeconds(60), null);
    Cvd second =
        CvdCalculator.close(
            calc.apply(KEY, trade(2, lastMinute, Side.SELL, "1", "0.5"), CvdCalculator.empty()),
            lastMinute, lastMinute.plusSeconds(60), first);
    assertThat(second.getCumulative()).isEqualTo(d("1.5"));
    // Europe/Vienna is UTC+2 here: a local-day bug would not reset at 00:00Z.
    Instant midnight = Instant.parse("2024-05-02T00:00:00Z");
    Cvd third =
        CvdCalculator.close(
            calc.apply(KEY, trade(3, midnight, Side.SELL, "1", "0.25"), CvdCalculator.empty()),
            midnight, midnight.plusSeconds(60), second);
    assertThat(third.getDelta()).isEqualTo(d("-0.25"));
    assertThat(third.getCumulative()).isEqualTo(d("-0.25"));
  }

  /**
   * The topology reads a minute's CVD off its candle aggregate: over the same trades, in any
   * order, with every side and non-market trades mixed in, it must equal the CVD aggregated trade
   * by trade.
   */
  @Test
  void cvdOfTheCandleAggregateEqualsCvdAggregatedFromTheSameTrades() {
    java.util.Random random = new java.util.Random(11);
    io.ticklake.streams.ohlcv.OhlcvAggregator candles = new io.ticklake.streams.ohlcv.OhlcvAggregator();
    Side[] sides = {Side.BUY, Side.SELL, Side.UNKNOWN};
    for (int round = 0; round < 50; round++) {
      Cvd direct = CvdCalculator.empty();
      io.ticklake.schema.v1.Candle candle = io.ticklake.streams.ohlcv.OhlcvAggregator.empty();
      int n = 1 + random.nextInt(40);
      for (int i = 0; i < n; i++) {
        Trade t =
            trade(i, T0.plusMillis(random.nextInt(60_000)), sides[random.nextInt(3)],
                "100." + random.nextInt(100), random.nextInt(5) + "." + random.nextInt(1000));
        if (random.nextInt(10) == 0) {
          t = Trade.newBuilder(t).setMarketTrade(false).build();
        }
        direct = calc.apply(KEY, t, direct);
        candle = candles.apply(KEY, t, candle);
      }
      Cvd ofCandle = CvdCalculator.ofCandle(candle);
      assertThat(ofCandle.getDelta()).as("round %d", round).isEqualTo(direct.getDelta());
      assertThat(ofCandle.getBuyVolume()).isEqualTo(direct.getBuyVolume());
      assertThat(ofCandle.getSellVolume()).isEqualTo(direct.getSellVolume());
      assertThat(ofCandle.getTradeCount()).isEqualTo(direct.getTradeCount());
      assertThat(ofCandle.getEventTime()).isEqualTo(direct.getEventTime());
      if (direct.getTradeCount() > 0) {
        assertThat(ofCandle.getVenue()).isEqualTo(direct.getVenue());
        assertThat(ofCandle.getSymbol()).isEqualTo(direct.getSymbol());
      }
    }
  }
}
