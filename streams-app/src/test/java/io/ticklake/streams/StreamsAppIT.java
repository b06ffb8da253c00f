package io.ticklake.streams;

import io.ticklake.schema.serde.InMemorySchemaRegistryClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ticklake.schema.topic.Topics;
import io.ticklake.schema.v1.Quote;
import io.ticklake.schema.v1.Side;
import io.ticklake.schema.v1.Trade;
import io.ticklake.streams.serde.SerdeFactory;
import io.ticklake.testkit.EmbeddedKafka;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The app against a real broker (exactly-once), queried over HTTP. */
@Tag("integration")
class StreamsAppIT {
  private static final String KEY = Fixtures.KEY;

  @TempDir Path stateDir;

  @Test
  void candlesCvdOfiAndQuotesAreQueryable() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      try (Admin admin = kafka.admin()) {
        List<NewTopic> topics =
            Topics.all(List.of("binance-usdm")).stream()
                .map(t -> new NewTopic(t.name(), t.partitions(), (short) 1))
                .toList();
        admin.createTopics(topics).all().get();
      }
      SerdeFactory serdes = new SerdeFactory(new InMemorySchemaRegistryClient(), Map.of("schema.registry.url", "mock://it"));
      try (AppInstance app = AppInstance.start(kafka, serdes, "ticklake-it", stateDir)) {
        KafkaStreams streams = app.streams();
        int port = app.port();
        await().atMost(Duration.ofSeconds(60)).until(() -> streams.state() == KafkaStreams.State.RUNNING);

        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(3));
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (KafkaProducer<String, Trade> trades =
                new KafkaProducer<>(p, Serdes.String().serializer(), serdes.value(Trade.class).serializer());
            KafkaProducer<String, Quote> quotes =
                new KafkaProducer<>(p, Serdes.String().serializer(), serdes.value(Quote.class).serializer())) {
          for (Quote q :
              List.of(
                  Fixtures.quote(1, t0.plusMillis(100), "100.0", "5", "100.5", "4"),
                  Fixtures.quote(2, t0.plusMillis(200), "100.0", "7", "100.5", "4"),
                  Fixtures.quote(3, t0.plusSeconds(64), "100.0", "7", "100.5", "1"),
                  // Minutes are rolled up from closed seconds: this one closes the second of quote
                  // 3 (64 + 1 + 2 s grace), and so the first minute. Its term is 0 (nothing moved).
                  Fixtures.quote(4, t0.plusSeconds(68), "100.0", "7", "100.5", "1"))) {
            quotes.send(new ProducerRecord<>(Topics.QUOTES, null, q.getEventTime().toEpochMilli(), KEY, q)).get();
          }
          for (Trade t :
              List.of(
                  Fixtures.trade(1, t0.plusSeconds(1), Side.BUY, "100", "2"),
                  Fixtures.trade(2, t0.plusSeconds(2), Side.SELL, "100.5", "0.5"),
                  Fixtures.trade(2, t0.plusSeconds(2), Side.SELL, "100.5", "0.5"),
                  Fixtures.trade(3, t0.plusSeconds(75), Side.BUY, "101", "1"))) {
            trades.send(new ProducerRecord<>(Topics.TRADES, null, t.getEventTime().toEpochMilli(), KEY, t)).get();
          }
        }

        HttpClient http = HttpClient.newHttpClient();
        String base = "http://localhost:" + port + "/api/v1/";
        // Day to date includes the minute still open (trade 3, quotes 3 and 4); the last closed
        // minute is given on its own.
        JsonNode cvd = QueryAnswers.await200(http, base + "cvd/binance-usdm/BTCUSDT", QueryAnswers::cvdComplete);
        assertThat(cvd.get("cumulative").asText()).isEqualTo("2.5");
        assertThat(cvd.get("openTrades").asLong()).isEqualTo(1);
        assertThat(cvd.get("lastMinute").get("delta").asText()).isEqualTo("1.5");
        assertThat(cvd.get("closedThrough").asText()).isEqualTo(t0.plusSeconds(60).toString());
        assertThat(cvd.get("ageMs").asLong()).isPositive();
        JsonNode ofi = QueryAnswers.await200(http, base + "ofi/binance-usdm/BTCUSDT", QueryAnswers::ofiComplete);
        assertThat(ofi.get("ofi").asText()).isEqualTo("5");
        assertThat(ofi.get("updates").asLong()).isEqualTo(3);
        assertThat(ofi.get("lastMinute").get("ofi").asText()).isEqualTo("2");
        assertThat(ofi.get("windowStart").asText()).isEqualTo(t0.truncatedTo(ChronoUnit.DAYS).toString());
        JsonNode quote = QueryAnswers.await200(http, base + "quotes/binance-usdm/BTCUSDT", n -> n.get("updateId").asLong() == 4);
        assertThat(quote.get("askSize").asText()).isEqualTo("1");
        JsonNode candles = QueryAnswers.await200(http, base + "candles/binance-usdm/BTCUSDT?interval=1m&limit=5", n -> n.get("candles").size() == 2);
        assertThat(candles.get("candles")).hasSize(2);
        JsonNode closed = candles.get("candles").get(1);
        assertThat(closed.get("openTime").asText()).isEqualTo(t0.toString());
        assertThat(closed.get("volume").asText()).isEqualTo("2.5");
        assertThat(closed.get("vwap").asText()).isEqualTo("100.1");
        assertThat(closed.get("closed").asBoolean()).isTrue();
      }
    }
  }
}
