package io.ticklake.streams.ohlcv;

import static io.ticklake.streams.Fixtures.KEY;
import static io.ticklake.streams.Fixtures.T0;
import static io.ticklake.streams.Fixtures.d;
import static io.ticklake.streams.Fixtures.trade;
import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.schema.topic.Topics;
import io.ticklake.schema.v1.Candle;
import io.ticklake.schema.v1.Side;
import io.ticklake.schema.v1.Trade;
import io.ticklake.streams.AppConfig;
import io.ticklake.streams.Fixtures;
import io.ticklake.streams.TopologyFactory;
import io.ticklake.streams.serde.SerdeFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Minutes an outage left without a candle are built from the trades the backfill delivers late. */
class LateMinutesTest {
  @TempDir Path stateDir;
  private TopologyTestDriver driver;
  private TestInputTopic<String, Trade> trades;
  private TestOutputTopic<String, Candle> minutes;

  @BeforeEach
  void setUp() {
    AppConfig config = Fixtures.config(stateDir, Map.of());
    SerdeFactory serdes = Fixtures.serdes();
    driver = new TopologyTestDriver(TopologyFactory.build(config, serdes), Fixtures.driverProperties(config), T0);
    trades = driver.createInputTopic(Topics.TRADES, Serdes.String().serializer(), serdes.value(Trade.class).serializer());
    minutes = driver.createOutputTopic(Topics.OHLCV_1M, Serdes.String().deserializer(), serdes.value(Candle.class).deserializer());
  }

  @AfterEach
  void tearDown() {
    driver.close();
  }

  private void send(Trade t) {
    trades.pipeInput(KEY, t, t.getEventTime());
  }

  @Test
  void anOutagesMinutesAreRebuiltOnceFromTheBackfilledTrades() {
    send(trade(1, T0.plusSeconds(10), Side.BUY, "100", "1"));
    send(trade(2, T0.plusSeconds(50), Side.SELL, "101", "1"));
    // The collector was down for minutes 1 to 3; live trades resume in minute 4 and close minute 0.
    send(trade(9, T0.plusSeconds(245), Side.BUY, "104", "1"));
    send(trade(10, T0.plusSeconds(320), Side.BUY, "105", "1"));
    assertThat(minutes.readValuesToList()).extracting(c -> c.getOpenTime()).containsExactly(T0, T0.plusSeconds(240));

    // The backfill: minute 0's missed trade (its candle was emitted: not rebuilt), minutes 2 and 3.
    send(trade(3, T0.plusSeconds(55), Side.BUY, "99", "5"));
    send(trade(4, T0.plusSeconds(130), Side.BUY, "102", "2"));
    send(trade(5, T0.plusSeconds(150), Side.SELL, "101.5", "1"));
    send(trade(6, T0.plusSeconds(190), Side.SELL, "103", "0.5"));
    assertThat(minutes.readValuesToList()).as("held while the backfill may still be delivering").isEmpty();

    driver.advanceWallClockTime(LateMinutes.QUIET.plus(Duration.ofSeconds(5)));
    List<Candle> rebuilt = minutes.readValuesToList();
    assertThat(rebuilt).extracting(c -> c.getOpenTime()).containsExactly(T0.plusSeconds(120), T0.plusSeconds(180));
    Candle two = rebuilt.get(0);
    assertThat(two.getClosed()).isTrue();
    assertThat(two.getCloseTime()).isEqualTo(T0.plusSeconds(180));
    assertThat(two.getOpen()).isEqualByComparingTo(d("102"));
    assertThat(two.getClose()).isEqualByComparingTo(d("101.5"));
    assertThat(two.getVolume()).isEqualByComparingTo(d("3"));
    assertThat(two.getTradeCount()).isEqualTo(2L);

    // A trade of a rebuilt minute arriving later still: the minute is not emitted twice.
    send(trade(7, T0.plusSeconds(140), Side.BUY, "102", "1"));
    driver.advanceWallClockTime(LateMinutes.QUIET.plus(Duration.ofSeconds(5)));
    assertThat(minutes.readValuesToList()).isEmpty();
  }
}
