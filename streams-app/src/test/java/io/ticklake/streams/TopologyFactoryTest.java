package io.ticklake.streams;

import io.ticklake.schema.serde.InMemorySchemaRegistryClient;

import static io.ticklake.streams.Fixtures.KEY;
import static io.ticklake.streams.Fixtures.T0;
import static io.ticklake.streams.Fixtures.d;
import static io.ticklake.streams.Fixtures.quote;
import static io.ticklake.streams.Fixtures.trade;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ticklake.schema.topic.Topics;
import io.ticklake.schema.v1.Candle;
import io.ticklake.schema.v1.Cvd;
import io.ticklake.schema.v1.GapEvent;
import io.ticklake.schema.v1.GapKind;
import io.ticklake.schema.v1.Ofi;
import io.ticklake.schema.v1.Quote;
import io.ticklake.schema.v1.Side;
import io.ticklake.schema.v1.Trade;
import io.ticklake.streams.ohlcv.OhlcvAggregator;
import io.ticklake.streams.serde.SerdeFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole topology in a TopologyTestDriver, explicit record timestamps, wire-format serdes. */
class TopologyFactoryTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir Path stateDir;
  private TopologyTestDriver driver;
  private SerdeFactory serdes;
  private TestInputTopic<String, Trade> trades;
  private TestInputTopic<String, Quote> quotes;

  @BeforeEach
  void setUp() {
    Map<String, Object> settings =
        Map.of(
            StreamsConfig.APPLICATION_ID_CONFIG, "ticklake-test",
            StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092",
            StreamsConfig.STATE_DIR_CONFIG, stateDir.toString(),
            AppConfig.OHLCV_GRACE_MS_CONFIG, "10000",
            AppConfig.OFI_GRACE_MS_CONFIG, "2000",
            AppConfig.STALE_AFTER_MS_CONFIG, "60000",
            AppConfig.STALE_CHECK_INTERVAL_MS_CONFIG, "5000");
    AppConfig config = new AppConfig(settings);
    serdes = new SerdeFactory(new InMemorySchemaRegistryClient(), Map.of("schema.registry.url", "mock://test"));
    Properties props = Fixtures.driverProperties(config);
    driver = new TopologyTestDriver(TopologyFactory.build(config, serdes), props, T0);
    trades = driver.createInputTopic(Topics.TRADES, Serdes.String().serializer(), serdes.value(Trade.class).serializer());
    quotes = driver.createInputTopic(Topics.QUOTES, Serdes.String().serializer(), serdes.value(Quote.class).serializer());
  }

  @AfterEach
  void tearDown() {
    driver.close();
  }

  private <T> TestOutputTopic<String, T> output(String topic, Class<T> type) {
    return driver.createOutputTopic(topic, Serdes.String().deserializer(), serdes.value(type).deserializer());
  }

  private void send(Trade t) {
    trades.pipeInput(KEY, t, t.getEventTime());
  }

  private void send(Quote q) {
    quotes.pipeInput(KEY, q, q.getEventTime());
  }

  @Test
  void ofiWorkedExampleIsFour() {
    send(quote(1, T0.plusMillis(100), "100.0", "5", "100.5", "4"));
    send(quote(2, T0.plusMillis(200), "100.0", "7", "100.5", "4"));
    send(quote(2, T0.plusMillis(200), "100.0", "7", "100.5", "4")); // duplicate update id
    send(quote(3, T0.plusMillis(300), "100.0", "7", "100.5", "1"));
    send(quote(4, T0.plusMillis(400), "100.0", "7", "101.0", "6"));
    send(quote(5, T0.plusMillis(500), "100.5", "2", "101.0", "6"));
    send(quote(6, T0.plusMillis(600), "100.0", "7", "101.0", "8"));
    // Past the second and the minute plus the 2 s grace: the second closes. The minute is rolled
    // up from closed seconds, so it closes once a second after it has closed (at 63 + 1 + 2 s).
    send(quote(7, T0.plusSeconds(63), "100.0", "7", "101.0", "8"));
    List<Ofi> seconds = output(Topics.OFI, Ofi.class).readValuesToList();
    assertThat(seconds).extracting(Ofi::getWindow).containsExactly("1s");
    Ofi first = seconds.get(0);
    send(quote(8, T0.plusSeconds(66), "100.0", "7", "101.0", "8"));

    List<Ofi> out = output(Topics.OFI, Ofi.class).readValuesToList();
    out.add(0, first);
    Ofi second = find(out, "1s", T0);
    Ofi minute = find(out, "1m", T0);
    Ofi day = find(out, "day", T0.truncatedTo(java.time.temporal.ChronoUnit.DAYS));
    for (Ofi o : List.of(second, minute, day)) {
      assertThat(o.getOfi()).isEqualTo(d("4"));
      assertThat(o.getUpdates()).isEqualTo(5);
    }
    assertThat(minute.getWindowEnd()).isEqualTo(T0.plusSeconds(60));
    assertThat(day.getWindowEnd()).isEqualTo(T0.plusSeconds(60));
  }

  private static Ofi find(List<Ofi> out, String window, Instant start) {
    return out.stream()
        .filter(o -> o.getWindow().equals(window) && o.getWindowStart().equals(start))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + window + " OFI at " + start + " in " + out));
  }

  @Test
  void windowsFollowTheVenuesEventTimeNotTheRecordTimestamp() {
    // A producer that leaves the timestamp to the client stamps its wall clock (here: a day
    // later); the candle must still be the minute the trades happened in.
    Instant wallClock = T0.plus(Duration.ofDays(1));
    trades.pipeInput(KEY, trade(1, T0.plusSeconds(5), Side.BUY, "100", "1"), wallClock);
    trades.pipeInput(KEY, trade(2, T0.plusSeconds(75), Side.BUY, "101", "1"), wallClock.plusSeconds(1));

    List<Candle> candles = output(Topics.OHLCV_1M, Candle.class).readValuesToList();
    assertThat(candles).extracting(Candle::getOpenTime).containsExactly(T0);
  }

  @Test
  void cvdWithMixedAggressorSides() {
    send(trade(1, T0.plusSeconds(1), Side.BUY, "100", "1.5"));
    send(trade(2, T0.plusSeconds(2), Side.SELL, "100", "0.4"));
    send(trade(3, T0.plusSeconds(3), Side.BUY, "100", "0.1"));
    send(Trade.newBuilder(trade(4, T0.plusSeconds(4), Side.SELL, "100", "5")).setMarketTrade(false).build());
    send(trade(5, T0.plusSeconds(61), Side.SELL, "100", "2"));
    send(trade(6, T0.plusSeconds(135), Side.BUY, "100", "0.3")); // closes minute 1

    List<Cvd> out = output(Topics.CVD, Cvd.class).readValuesToList();
    assertThat(out).hasSize(2);
    assertThat(out.get(0).getWindowStart()).isEqualTo(T0);
    assertThat(out.get(0).getDelta()).isEqualTo(d("1.2"));
    assertThat(out.get(0).getBuyVolume()).isEqualTo(d("1.6"));
    assertThat(out.get(0).getSellVolume()).isEqualTo(d("0.4"));
    assertThat(out.get(0).getTradeCount()).isEqualTo(3);
    assertThat(out.get(0).getCumulative()).isEqualTo(d("1.2"));
    assertThat(out.get(1).getDelta()).isEqualTo(d("-2"));
    assertThat(out.get(1).getCumulative()).isEqualTo(d("-0.8"));
  }

  @Test
  void lateOutOfOrderAndDuplicateTrades() {
    send(trade(1, T0.plusSeconds(10), Side.BUY, "100", "1"));
    send(trade(3, T0.plusSeconds(50), Side.BUY, "103", "1"));
    send(trade(2, T0.plusSeconds(30), Side.SELL, "99", "1")); // out of order, within the minute
    send(trade(3, T0.plusSeconds(50), Side.BUY, "103", "1")); // duplicate (reconnect overlap)
    send(trade(4, T0.plusSeconds(65), Side.BUY, "101", "1")); // minute 1; minute 0 still in grace
    send(trade(5, T0.plusSeconds(55), Side.SELL, "98", "1")); // late but within grace: counted
    send(trade(6, T0.plusSeconds(75), Side.BUY, "101", "1")); // stream time 75 s: minute 0 closes
    send(trade(7, T0.plusSeconds(40), Side.BUY, "150", "9")); // beyond grace: late topic
    send(trade(7, T0.plusSeconds(40), Side.BUY, "150", "9")); // its duplicate: dropped

    List<Candle> candles = output(Topics.OHLCV_1M, Candle.class).readValuesToList();
    assertThat(candles).hasSize(1);
    Candle c = candles.get(0);
    assertThat(c.getOpenTime()).isEqualTo(T0);
    assertThat(c.getTradeCount()).isEqualTo(4);
    assertThat(c.getOpen()).isEqualTo(d("100"));
    assertThat(c.getHigh()).isEqualTo(d("103"));
    assertThat(c.getLow()).isEqualTo(d("98"));
    assertThat(c.getClose()).isEqualTo(d("98"));
    assertThat(c.getVolume()).isEqualTo(d("4"));
    assertThat(c.getVwap()).isEqualTo(d("100"));

    List<Trade> late = output(Topics.LATE, Trade.class).readValuesToList();
    assertThat(late).extracting(Trade::getTradeId).containsExactly("7");
    KeyValueStore<String, Long> lateCounts = driver.getKeyValueStore(TopologyFactory.TRADES_LATE_COUNT_STORE);
    assertThat(lateCounts.get(KEY)).isEqualTo(1L);
  }

  @Test
  void missingMinuteAndTradeIdJumpProduceGaps() {
    send(trade(1, T0.plusSeconds(10), Side.BUY, "100", "1"));
    send(trade(2, T0.plusSeconds(20), Side.BUY, "100", "1"));
    // Nothing in minute 1; trade 3..4 never arrive.
    send(trade(5, T0.plusSeconds(130), Side.BUY, "100", "1"));
    send(trade(6, T0.plusSeconds(200), Side.BUY, "100", "1")); // closes minute 2

    List<GapEvent> gaps = output(Topics.GAPS, GapEvent.class).readValuesToList();
    GapEvent tradeId = gaps.stream().filter(g -> g.getKind() == GapKind.TRADE_ID).findFirst().orElseThrow();
    assertThat(tradeId.getLastGoodSequence()).isEqualTo(29L);
    assertThat(tradeId.getFirstSequenceAfter()).isEqualTo(50L);
    GapEvent minute = gaps.stream().filter(g -> g.getKind() == GapKind.MISSING_CANDLE).findFirst().orElseThrow();
    assertThat(minute.getStream()).isEqualTo("ohlcv-1m");
    assertThat(minute.getLastGoodTime()).isEqualTo(T0);
    assertThat(minute.getFirstTimeAfter()).isEqualTo(T0.plusSeconds(120));
    assertThat(minute.getGapId()).isEqualTo(KEY + ":MISSING_CANDLE:ohlcv-1m:" + T0);
    assertThat(gaps).hasSize(2);
  }

  @Test
  void producerGapsArePassedThrough() {
    GapEvent disconnect =
        io.ticklake.streams.dq.GapEvents.gap(
                Fixtures.VENUE, Fixtures.SYMBOL, GapKind.DISCONNECT, "aggTrade", null, null, T0, null, T0, "ws close 1006")
            .build();
    driver
        .createInputTopic(AppConfig.PRODUCER_GAPS_TOPIC_DEFAULT, Serdes.String().serializer(), serdes.value(GapEvent.class).serializer())
        .pipeInput(KEY, disconnect, T0);
    assertThat(output(Topics.GAPS, GapEvent.class).readValuesToList()).containsExactly(disconnect);
  }

  @Test
  void staleStreamOnWallClock() {
    send(trade(1, T0.plusSeconds(1), Side.BUY, "100", "1"));
    driver.advanceWallClockTime(Duration.ofSeconds(30));
    assertThat(output(Topics.GAPS, GapEvent.class).isEmpty()).isTrue();
    driver.advanceWallClockTime(Duration.ofSeconds(35));
    List<GapEvent> gaps = output(Topics.GAPS, GapEvent.class).readValuesToList();
    assertThat(gaps).extracting(GapEvent::getKind).containsExactly(GapKind.STALE_STREAM);
    assertThat(gaps.get(0).getStream()).isEqualTo("trades");
  }

  /**
   * A venue whose symbols may be quiet for hours (its heartbeats prove the feed alive): neither a
   * trade silence nor a minute without trades is a gap; a trade-id jump still is, and so is a
   * silence of its quotes.
   */
  @Test
  void aVenueOfQuietSymbolsReportsNoTradeSilenceOrMissingMinute() {
    driver.close();
    Map<String, Object> settings = new java.util.HashMap<>(Map.of(
        StreamsConfig.APPLICATION_ID_CONFIG, "ticklake-test-quiet",
        StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092",
        StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve("quiet").toString(),
        AppConfig.STALE_AFTER_MS_CONFIG, "60000",
        AppConfig.STALE_CHECK_INTERVAL_MS_CONFIG, "5000"));
    settings.put(AppConfig.VENUE_PREFIX + Fixtures.VENUE + "." + AppConfig.QUIET_SYMBOLS_TRAIT, "true");
    AppConfig config = new AppConfig(settings);
    driver = new TopologyTestDriver(TopologyFactory.build(config, serdes), Fixtures.driverProperties(config), T0);
    trades = driver.createInputTopic(Topics.TRADES, Serdes.String().serializer(), serdes.value(Trade.class).serializer());
    quotes = driver.createInputTopic(Topics.QUOTES, Serdes.String().serializer(), serdes.value(Quote.class).serializer());

    send(trade(1, T0.plusSeconds(10), Side.BUY, "100", "1"));
    send(trade(5, T0.plusSeconds(130), Side.BUY, "100", "1")); // minute 1 empty, ids 2..4 missing
    send(trade(6, T0.plusSeconds(200), Side.BUY, "100", "1"));
    send(quote(1, T0.plusSeconds(200), "99", "1", "101", "1"));
    driver.advanceWallClockTime(Duration.ofSeconds(65));

    List<GapEvent> gaps = output(Topics.GAPS, GapEvent.class).readValuesToList();
    assertThat(gaps).extracting(GapEvent::getKind).containsExactlyInAnyOrder(GapKind.TRADE_ID, GapKind.STALE_STREAM);
    assertThat(gaps).filteredOn(g -> g.getKind() == GapKind.STALE_STREAM).singleElement()
        .satisfies(g -> assertThat(g.getStream()).isEqualTo("quotes"));
  }

  @Test
  void rollupsEqualCandlesComputedDirectlyFromTheSameTrades() {
    List<Trade> hour = new ArrayList<>();
    String[] prices = {"100", "101.5", "99.25", "102", "98.75", "100.5"};
    long id = 1;
    for (int minute = 0; minute < 60; minute += 1) {
      if (minute == 7 || minute == 33) {
        continue; // quiet minutes
      }
      for (int k = 0; k < 3; k++) {
        Side side = (minute + k) % 3 == 0 ? Side.SELL : Side.BUY;
        String price = prices[(minute * 3 + k) % prices.length];
        hour.add(trade(id++, T0.plusSeconds(minute * 60L + 5 + k * 17L), side, price, "0." + (k + 1)));
      }
    }
    hour.forEach(this::send);
    send(trade(id++, T0.plusSeconds(3600 + 5), Side.BUY, "100", "1"));
    send(trade(id, T0.plusSeconds(3660 + 15), Side.BUY, "100", "1")); // closes minute 60

    List<Candle> fives = output(Topics.OHLCV_5M, Candle.class).readValuesToList();
    List<Candle> hours = output(Topics.OHLCV_1H, Candle.class).readValuesToList();
    assertThat(fives).hasSize(12);
    for (Candle five : fives) {
      List<Trade> in = hour.stream()
          .filter(t -> !t.getEventTime().isBefore(five.getOpenTime()) && t.getEventTime().isBefore(five.getCloseTime()))
          .toList();
      assertThat(five).isEqualTo(direct(in, "5m", five.getOpenTime(), Duration.ofMinutes(5)));
    }
    assertThat(hours).hasSize(1);
    assertThat(hours.get(0)).isEqualTo(direct(hour, "1h", T0, Duration.ofHours(1)));
    assertThat(hours.get(0).getTradeCount()).isEqualTo(58 * 3);
  }

  @Test
  void rollupsWindowOnTheCandlesOpenTimeNotTheBrokersAppendTime() {
    // The candle topics go by LogAppendTime: read back, a candle carries the broker's clock (here a
    // day later, a second apart), and the 5-minute window must still be that of its openTime.
    Instant appendTime = T0.plus(Duration.ofDays(1));
    var minutes =
        driver.createInputTopic(Topics.OHLCV_1M, Serdes.String().serializer(), serdes.value(Candle.class).serializer());
    List<Candle> sent = new ArrayList<>();
    for (int m = 0; m <= 5; m++) {
      Trade t = trade(m + 1, T0.plusSeconds(m * 60L + 30), Side.BUY, Integer.toString(100 + m), "1");
      Candle c = new OhlcvAggregator().apply(KEY, t, OhlcvAggregator.empty("1m"));
      c = OhlcvAggregator.close(c, T0.plusSeconds(m * 60L), T0.plusSeconds(m * 60L + 60));
      sent.add(c);
      minutes.pipeInput(KEY, c, appendTime.plusSeconds(m));
    }

    List<Candle> fives = output(Topics.OHLCV_5M, Candle.class).readValuesToList();
    assertThat(fives).extracting(Candle::getOpenTime).containsExactly(T0);
    assertThat(fives.get(0).getTradeCount()).isEqualTo(5);
    assertThat(fives.get(0).getClose()).isEqualByComparingTo(sent.get(4).getClose());
  }

  private static Candle direct(List<Trade> trades, String interval, Instant start, Duration size) {
    OhlcvAggregator agg = new OhlcvAggregator();
    Candle c = OhlcvAggregator.empty(interval);
    for (Trade t : trades) {
      c = agg.apply(KEY, t, c);
    }
    return OhlcvAggregator.close(c, start, start.plus(size));
  }

  @Test
  void featureRecordJoinsCandleCvdAndOfi() throws Exception {
    send(quote(1, T0.plusMillis(100), "100.0", "5", "100.5", "4"));
    send(quote(2, T0.plusMillis(200), "100.0", "7", "100.5", "4"));
    send(trade(1, T0.plusSeconds(1), Side.BUY, "100", "2"));
    send(trade(2, T0.plusSeconds(2), Side.SELL, "100.5", "0.5"));
    send(quote(3, T0.plusSeconds(63), "100.0", "7", "100.5", "4"));
    send(quote(4, T0.plusSeconds(66), "100.0", "7", "100.5", "4")); // closes the OFI minute
    send(trade(3, T0.plusSeconds(75), Side.BUY, "100", "1"));

    List<String> features =
        driver.createOutputTopic(Topics.FEATURES_1M, Serdes.String().deserializer(), Serdes.String().deserializer())
            .readValuesToList();
    assertThat(features).hasSize(1);
    JsonNode f = MAPPER.readTree(features.get(0));
    assertThat(f.get("windowStart").asText()).isEqualTo(T0.toString());
    assertThat(f.get("close").asText()).isEqualTo("100.5");
    assertThat(f.get("cvdDelta").asText()).isEqualTo("1.5");
    assertThat(f.get("cvdCumulative").asText()).isEqualTo("1.5");
    assertThat(f.get("ofi").asText()).isEqualTo("2");
    assertThat(f.get("session").asText()).isEqualTo("LONDON");
    assertThat(f.get("regime").asText()).isEqualTo("Q_L");
  }

  /**
   * Candle, CVD and OFI come from three topics in no order against each other: the record waits
   * until each part is there or known absent, a repeat of a sent minute changes nothing, and a part
   * that never comes holds a minute back for at most five later candles.
   */
  @Test
  void featurePartsJoinInAnyOrderAndAMissingPartWaitsAtMostFiveCandles() throws Exception {
    TestInputTopic<String, Candle> candles =
        driver.createInputTopic(Topics.OHLCV_1M, Serdes.String().serializer(), serdes.value(Candle.class).serializer());
    TestInputTopic<String, Cvd> cvds =
        driver.createInputTopic(Topics.CVD, Serdes.String().serializer(), serdes.value(Cvd.class).serializer());
    TestInputTopic<String, Ofi> ofis =
        driver.createInputTopic(Topics.OFI, Serdes.String().serializer(), serdes.value(Ofi.class).serializer());
    TestOutputTopic<String, String> features =
        driver.createOutputTopic(Topics.FEATURES_1M, Serdes.String().deserializer(), Serdes.String().deserializer());
    Instant wall = Instant.parse("2026-11-21T00:00:00Z"); // the topics' append time: not the minute's
    Cvd cvd =
        Cvd.newBuilder(io.ticklake.streams.cvd.CvdCalculator.empty())
            .setVenue(Fixtures.VENUE).setSymbol(Fixtures.SYMBOL)
            .setWindowStart(T0).setWindowEnd(T0.plusSeconds(60))
            .setDelta(d("1.5")).setCumulative(d("2.5")).setTradeCount(3).setEventTime(T0.plusSeconds(59))
            .build();
    Ofi ofi =
        Ofi.newBuilder(io.ticklake.streams.ofi.OfiAggregator.empty())
            .setVenue(Fixtures.VENUE).setSymbol(Fixtures.SYMBOL).setWindow("1m")
            .setWindowStart(T0).setWindowEnd(T0.plusSeconds(60))
            .setOfi(d("-3")).setUpdates(7).setEventTime(T0.plusSeconds(58))
            .build();

    candles.pipeInput(KEY, Fixtures.minuteCandle(T0, "100", "101", "99", "100.5", "4"), wall);
    assertThat(features.isEmpty()).as("candle alone: CVD and OFI not decided").isTrue();
    ofis.pipeInput(KEY, ofi, wall);
    assertThat(features.isEmpty()).as("CVD still not decided").isTrue();
    cvds.pipeInput(KEY, cvd, wall);
    List<String> sent = features.readValuesToList();
    assertThat(sent).hasSize(1);
    JsonNode f = MAPPER.readTree(sent.get(0));
    assertThat(f.get("windowStart").asText()).isEqualTo(T0.toString());
    assertThat(f.get("cvdDelta").asText()).isEqualTo("1.5");
    assertThat(f.get("cvdCumulative").asText()).isEqualTo("2.5");
    assertThat(f.get("ofi").asText()).isEqualTo("-3");
    assertThat(f.get("ofiUpdates").asLong()).isEqualTo(7);

    // Replays of the sent minute: dropped.
    ofis.pipeInput(KEY, ofi, wall);
    cvds.pipeInput(KEY, cvd, wall);
    candles.pipeInput(KEY, Fixtures.minuteCandle(T0, "100", "101", "99", "100.5", "4"), wall);
    assertThat(features.isEmpty()).isTrue();

    // Minutes 1..6 have candles only (CVD and OFI stopped): minute 1 waits for five later candles.
    for (int m = 1; m <= 5; m++) {
      candles.pipeInput(KEY, Fixtures.minuteCandle(T0.plusSeconds(60L * m), "100", "101", "99", "100", "1"), wall);
    }
    assertThat(features.isEmpty()).isTrue();
    candles.pipeInput(KEY, Fixtures.minuteCandle(T0.plusSeconds(360), "100", "101", "99", "100", "1"), wall);
    sent = features.readValuesToList();
    assertThat(sent).hasSize(1);
    f = MAPPER.readTree(sent.get(0));
    assertThat(f.get("windowStart").asText()).isEqualTo(T0.plusSeconds(60).toString());
    assertThat(f.get("cvdDelta").isNull()).isTrue();
    assertThat(f.get("ofi").isNull()).isTrue();
  }

  /**
   * Trades and quotes are tasks of their own, one input partition each: nothing joins them inside
   * the topology (a merge would make them one task, waiting on each other's partitions and sharing
   * a stream time).
   */
  @Test
  void tradesAndQuotesAreEachTheOnlySourceOfTheirSubtopology() {
    AppConfig config =
        new AppConfig(Map.of(StreamsConfig.APPLICATION_ID_CONFIG, "t", StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092"));
    var description = TopologyFactory.build(config, serdes).describe();
    for (String topic : List.of(Topics.TRADES, Topics.QUOTES)) {
      List<java.util.Set<String>> sources = new ArrayList<>();
      for (var sub : description.subtopologies()) {
        java.util.Set<String> topics = new java.util.TreeSet<>();
        for (var node : sub.nodes()) {
          if (node instanceof org.apache.kafka.streams.TopologyDescription.Source source) {
            topics.addAll(source.topicSet());
          }
        }
        if (topics.contains(topic)) {
          sources.add(topics);
        }
      }
      assertThat(sources).as(topic).containsExactly(java.util.Set.of(topic));
    }
  }
}
