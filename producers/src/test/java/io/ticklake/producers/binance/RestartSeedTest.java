package io.ticklake.producers.binance;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.producers.core.CollectorMetrics;
import io.ticklake.producers.core.VenueRuntime;
import io.ticklake.schema.topic.Topics;
import io.ticklake.schema.v1.Candle;
import io.ticklake.schema.v1.Trade;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** A restarted collector remembers what earlier runs wrote (read back from the topics) and does not write it again. */
class RestartSeedTest {
  private static final Instant NOW = Instant.parse("2021-12-05T23:42:01Z");

  private final MockProducer<String, byte[]> raw =
      new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
  private final MockProducer<String, SpecificRecord> norm =
      new MockProducer<>(true, null, new StringSerializer(), (topic, record) -> new byte[0]);
  private final VenueRuntime runtime = new VenueRuntime(new BinanceUsdmVenue(), new BinanceMessageParser(),
      List.of("BTCUSDT"), null, raw, norm, new CollectorMetrics("binance-usdm"), Clock.systemUTC());

  @Test
  void tradesAndClosedCandlesOfEarlierRunsAreNotWrittenAgain() throws Exception {
    BinanceMessageParser parser = new BinanceMessageParser();
    Trade earlier = (Trade) parser.parse(aggTrade(41), NOW).records().get(0);
    Candle earlierCandle = (Candle) parser.parse(kline(1638747660000L), NOW).records().get(0);
    runtime.seed(List.of(earlier, earlierCandle));

    runtime.onFrame(aggTrade(41), NOW); // the earlier run's last trade, sent again
    runtime.onFrame(aggTrade(42), NOW);
    runtime.onFrame(kline(1638747660000L), NOW); // the earlier run's candle
    runtime.onFrame(kline(1638747720000L), NOW);

    assertThat(norm.history()).extracting(ProducerRecord::topic)
        .containsExactly(Topics.TRADES, Topics.VENUE_CANDLES)
        // no trade-id gap from 41 to 42: the jump across a restart is the Streams app's to see
        .doesNotContain(Topics.GAPS);
    assertThat(((Trade) norm.history().get(0).value()).getTradeId()).isEqualTo("42");
    assertThat(((Candle) norm.history().get(1).value()).getOpenTime()).isEqualTo(Instant.ofEpochMilli(1638747720000L));
    assertThat(runtime.metrics().channel("aggTrade").duplicates.get()).isEqualTo(1);
  }

  @Test
  void theFirstTradeAfterARestartStartsTheLedgerWithoutAGap() throws Exception {
    BinanceMessageParser parser = new BinanceMessageParser();
    runtime.seed(List.of(parser.parse(aggTrade(10), NOW).records().get(0)));

    runtime.onFrame(aggTrade(500), NOW);
    runtime.onFrame(aggTrade(502), NOW); // a jump within this run is still reported

    assertThat(norm.history()).extracting(ProducerRecord::topic)
        .containsExactly(Topics.TRADES, Topics.GAPS, Topics.TRADES);
  }

  private static String aggTrade(long id) {
    return "{\"stream\":\"btcusdt@aggTrade\",\"data\":{\"e\":\"aggTrade\",\"E\":1638747721000,\"s\":\"BTCUSDT\",\"a\":" + id
        + ",\"p\":\"48000.10\",\"q\":\"0.002\",\"f\":" + (id * 10) + ",\"l\":" + (id * 10) + ",\"T\":1638747721000,\"m\":true}}";
  }

  private static String kline(long openMillis) {
    return "{\"stream\":\"btcusdt@kline_1m\",\"data\":{\"e\":\"kline\",\"E\":" + (openMillis + 60_000)
        + ",\"s\":\"BTCUSDT\",\"k\":{\"t\":" + openMillis + ",\"T\":" + (openMillis + 59_999)
        + ",\"s\":\"BTCUSDT\",\"i\":\"1m\",\"f\":100,\"L\":200,\"o\":\"48000.1\",\"c\":\"48010.0\",\"h\":\"48020.5\","
        + "\"l\":\"47990.0\",\"v\":\"12.5\",\"n\":100,\"x\":true,\"q\":\"600000.0\",\"V\":\"6.0\",\"Q\":\"288000.0\",\"B\":\"0\"}}}";
  }
}
