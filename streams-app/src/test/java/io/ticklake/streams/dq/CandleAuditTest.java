package io.ticklake.streams.dq;

import static io.ticklake.streams.Fixtures.KEY;
import static io.ticklake.streams.Fixtures.T0;
import static io.ticklake.streams.Fixtures.minuteCandle;
import static io.ticklake.streams.Fixtures.trade;
import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.schema.topic.Topics;
import io.ticklake.schema.v1.Candle;
import io.ticklake.schema.v1.DataQualityEvent;
import io.ticklake.schema.v1.DqStatus;
import io.ticklake.schema.v1.Side;
import io.ticklake.schema.v1.Trade;
import io.ticklake.streams.AppConfig;
import io.ticklake.streams.Fixtures;
import io.ticklake.streams.TopologyFactory;
import io.ticklake.streams.serde.SerdeFactory;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The candle self-audit in the whole topology: the venue's closed minute against the minute built
 * from the trades received, whichever comes first; a difference is one data-quality event.
 */
class CandleAuditTest {
  @TempDir Path stateDir;
  private TopologyTestDriver driver;
  private SerdeFactory serdes;
  private TestInputTopic<String, Trade> trades;
  private TestInputTopic<String, Candle> venueCandles;
  private TestOutputTopic<String, DataQualityEvent> dq;

  @BeforeEach
  void setUp() {
    AppConfig config = Fixtures.config(stateDir, Map.of(AppConfig.VENUE_PREFIX + Fixtures.VENUE + "." + AppConfig.CANDLES_COUNT_TRADES_TRAIT, "true"));
    serdes = Fixtures.serdes();
    driver = new TopologyTestDriver(TopologyFactory.build(config, serdes), Fixtures.driverProperties(config), T0);
    trades = driver.createInputTopic(Topics.TRADES, Serdes.String().serializer(), serdes.value(Trade.class).serializer());
    venueCandles =
        driver.createInputTopic(Topics.VENUE_CANDLES, Serdes.String().serializer(), serdes.value(Candle.class).serializer());
    dq = driver.createOutputTopic(Topics.DATA_QUALITY, Serdes.String().deserializer(), serdes.value(DataQualityEvent.class).deserializer());
  }

  @AfterEach
  void tearDown() {
    driver.close();
  }

  /**
   * A minute before T0 (so T0 follows no silence), then minute T0 from three trades (100 x1 buy, 102
   * x2 sell, 101 x0.5 buy); a trade at +75 s closes it (10 s grace).
   */
  private void minuteOfTrades(boolean withSecond) {
    send(trade(0, T0.minusSeconds(30), Side.BUY, "100", "1"));
    send(trade(1, T0.plusSeconds(5), Side.BUY, "100", "1"));
    if (withSecond) {
      send(trade(2, T0.plusSeconds(20), Side.SELL, "102", "2"));
    }
    send(trade(3, T0.plusSeconds(40), Side.BUY, "101", "0.5"));
    send(trade(4, T0.plusSeconds(75), Side.BUY, "101", "0.1"));
  }

  private void send(Trade t) {
    trades.pipeInput(KEY, t, t.getEventTime());
  }

  /** The venue's candle of minute T0 as the venue counted it: all three trades. */
  private void venueMinute(Instant at) {
    Candle c = minuteCandle(T0, "100", "102", "100", "101", "3.5");
    c.setTradeCount(3L);
    venueCandles.pipeInput(KEY, c, at);
  }

  private List<String> tally() {
    KeyValueStore<String, String> tallies = driver.getKeyValueStore(CandleAudit.TALLY_STORE);
    return tallies.get(KEY) == null ? List.of() : List.of(tallies.get(KEY).split("\\|", 5));
  }

  @Test
  void aMinuteWhoseTradesAllArrivedRaisesNothing() {
    minuteOfTrades(true);
    venueMinute(T0.plusSeconds(65));
    assertThat(dq.readValuesToList()).isEmpty();
    assertThat(tally()).startsWith("1", "0", "0", "0");
  }

  @Test
  void aTradeLostOnTheWayIsOneEventNamingTheStreamAndMinute() {
    minuteOfTrades(false); // trade 2 never arrived; the venue's candle counts it
    venueMinute(T0.plusSeconds(65));
    venueMinute(T0.plusSeconds(90)); // sent again: audited once
    List<DataQualityEvent> events = dq.readValuesToList();
    assertThat(events).hasSize(1);
    DataQualityEvent e = events.get(0);
    assertThat(e.getCheck()).isEqualTo("candle-audit");
    assertThat(e.getStatus()).isEqualTo(DqStatus.FAIL);
    assertThat(e.getVenue()).isEqualTo(Fixtures.VENUE);
    assertThat(e.getSymbol()).isEqualTo(Fixtures.SYMBOL);
    assertThat(e.getWindowStart()).isEqualTo(T0);
    assertThat(e.getWindowEnd()).isEqualTo(T0.plusSeconds(60));
    assertThat(e.getDetail())
        .contains("candles-1m " + T0)
        .contains("high venue 102 trades 101")
        .contains("volume venue 3.5 trades 1.5")
        .contains("trade count venue 3 trades 2");
    assertThat(tally()).startsWith("1", "1", "0", "0");
  }

  @Test
  void theVenuesCandleMayComeFirst() {
    venueMinute(T0.plusSeconds(2));
    assertThat(dq.readValuesToList()).isEmpty();
    minuteOfTrades(false);
    assertThat(dq.readValuesToList()).extracting(DataQualityEvent::getWindowStart).containsExactly(T0);
  }

  @Test
  void theFirstMinuteAfterASilenceIsSkippedNotAudited() {
    // The collector came up during minute T0: the venue's candle has trades it never saw.
    send(trade(2, T0.plusSeconds(20), Side.SELL, "102", "2"));
    send(trade(3, T0.plusSeconds(40), Side.BUY, "101", "0.5"));
    send(trade(4, T0.plusSeconds(75), Side.BUY, "101", "0.1"));
    venueMinute(T0.plusSeconds(65));
    assertThat(dq.readValuesToList()).isEmpty();
    assertThat(tally()).startsWith("0", "0", "0", "1");
  }

  @Test
  void volumeWithinTheVenuesFloatRoundingAgrees() {
    Candle venue = minuteCandle(T0, "100", "102", "100", "101", "3.5000000000001");
    Candle derived = minuteCandle(T0, "100", "102", "100", "101", "3.5");
    assertThat(CandleAudit.differences(venue, derived, true)).isEmpty();
    Candle lostOneLot = minuteCandle(T0, "100", "102", "100", "101", "3.49999999");
    assertThat(CandleAudit.differences(venue, lostOneLot, true)).containsExactly("volume venue 3.5000000000001 trades 3.49999999");
  }

  @Test
  void countsAreComparedOnlyWhereTheVenueCountsOurTrades() {
    Candle venue = minuteCandle(T0, "100", "102", "100", "101", "3.5");
    venue.setTradeCount(40L); // individual trades behind 3 aggregated ones
    Candle derived = minuteCandle(T0, "100", "102", "100", "101", "3.5");
    derived.setTradeCount(3L);
    assertThat(CandleAudit.differences(venue, derived, false)).isEmpty();
    assertThat(CandleAudit.differences(venue, derived, true)).containsExactly("trade count venue 40 trades 3");
  }

  @Test
  void aCandleLeftAloneIsCountedUnmatchedNotReported() {
    venueMinute(T0.plusSeconds(2)); // no trades of that minute ever arrive
    Candle later = minuteCandle(T0.plus(CandleAudit.HORIZON).plusSeconds(60), "1", "1", "1", "1", "1");
    venueCandles.pipeInput(KEY, later, later.getCloseTime());
    assertThat(dq.readValuesToList()).isEmpty();
    assertThat(tally()).startsWith("0", "0", "1", "0");
  }
}
