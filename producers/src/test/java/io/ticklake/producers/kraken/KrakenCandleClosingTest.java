package io.ticklake.producers.kraken;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.producers.core.CollectorMetrics;
import io.ticklake.producers.core.VenueRuntime;
import io.ticklake.schema.topic.Topics;
import io.ticklake.schema.v1.Candle;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Kraken marks no candle closed: the runtime writes each one once the venue has moved past it, and
 * never an update of an open one.
 */
class KrakenCandleClosingTest {
  private static final Instant NOW = Instant.parse("2026-08-12T19:30:00Z");

  private final MockProducer<String, byte[]> raw = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
  private final MockProducer<String, SpecificRecord> norm =
      new MockProducer<>(true, null, new StringSerializer(), (topic, record) -> new byte[0]);
  private final VenueRuntime runtime = new VenueRuntime(new KrakenVenue(), new KrakenV2Parser("kraken", new KrakenPairs()),
      List.of("BTC/USD"), null, raw, norm, new CollectorMetrics("kraken"), Clock.systemUTC());

  private static String ohlc(String begin, String close, int trades, String sent) {
    return "{\"channel\":\"ohlc\",\"type\":\"update\",\"timestamp\":\"" + sent + "\",\"data\":[{\"symbol\":\"BTC/USD\",\"open\":63301.6,"
        + "\"high\":63310,\"low\":63297.7,\"close\":" + close + ",\"trades\":" + trades + ",\"volume\":0.04121249,\"vwap\":63298.2,"
        + "\"interval_begin\":\"" + begin + "\",\"interval\":1,\"timestamp\":\"2026-08-12T19:29:00.000000Z\"}]}";
  }

  private List<Candle> written() {
    return norm.history().stream().filter(r -> r.topic().equals(Topics.VENUE_CANDLES)).map(ProducerRecord::value)
        .map(Candle.class::cast).toList();
  }

  @Test
  void aCandleIsWrittenClosedOnceTheNextPeriodBegins() {
    runtime.onFrame(ohlc("2026-08-12T19:28:00.000000000Z", "63300", 1, "2026-08-12T19:28:10Z"), NOW);
    runtime.onFrame(ohlc("2026-08-12T19:28:00.000000000Z", "63305", 2, "2026-08-12T19:28:40Z"), NOW);
    assertThat(written()).as("an open candle is never written").isEmpty();

    runtime.onFrame(ohlc("2026-08-12T19:29:00.000000000Z", "63299", 1, "2026-08-12T19:29:01Z"), NOW);
    assertThat(written()).hasSize(1);
    Candle c = written().get(0);
    assertThat(c.getClosed()).isTrue();
    assertThat(c.getOpenTime()).isEqualTo(Instant.parse("2026-08-12T19:28:00Z"));
    assertThat(c.getClose()).as("the last update of the period").isEqualByComparingTo("63305");
    assertThat(c.getTradeCount()).isEqualTo(2);

    // The venue sends the closed period again (a resubscription's snapshot): not written twice.
    runtime.onFrame(ohlc("2026-08-12T19:28:00.000000000Z", "63305", 2, "2026-08-12T19:29:02Z"), NOW);
    assertThat(written()).hasSize(1);
    assertThat(runtime.metrics().channel("ohlc").duplicates.get()).isEqualTo(1);

    // An older period than the running one is over: written at once, closed.
    runtime.onFrame(ohlc("2026-08-12T19:27:00.000000000Z", "63290", 5, "2026-08-12T19:29:03Z"), NOW);
    assertThat(written()).extracting(Candle::getOpenTime)
        .containsExactly(Instant.parse("2026-08-12T19:28:00Z"), Instant.parse("2026-08-12T19:27:00Z"));
    assertThat(written()).allMatch(Candle::getClosed);
  }

  @Test
  void aQuietMarketsCandleIsClosedWhenTheVenuesClockHasPassedItsEnd() {
    runtime.onFrame(ohlc("2026-08-12T19:28:00.000000000Z", "63300", 1, "2026-08-12T19:28:10Z"), NOW);
    runtime.closeDueCandles();
    assertThat(written()).isEmpty();

    // Another stream moves the venue's clock to 19:29:04: within the grace after the period's end.
    runtime.onFrame(ohlc("2026-08-12T19:28:00.000000000Z", "63300", 1, "2026-08-12T19:29:04Z"), NOW);
    runtime.closeDueCandles();
    assertThat(written()).isEmpty();

    runtime.onFrame(ohlc("2026-08-12T19:28:00.000000000Z", "63300", 1, "2026-08-12T19:29:05Z"), NOW);
    runtime.closeDueCandles();
    assertThat(written()).hasSize(1);
    assertThat(written().get(0).getClosed()).isTrue();
    runtime.closeDueCandles();
    assertThat(written()).hasSize(1);
  }
}
