package io.ticklake.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ticklake.schema.serde.InMemorySchemaRegistryClient;
import io.ticklake.schema.topic.Topics;
import io.ticklake.schema.v1.Quote;
import io.ticklake.schema.v1.Side;
import io.ticklake.schema.v1.Trade;
import io.ticklake.streams.internal.Keys;
import io.ticklake.streams.ofi.OfiTopology;
import io.ticklake.streams.serde.SerdeFactory;
import io.ticklake.testkit.EmbeddedKafka;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
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

/**
 * Two instances of the app share the work: every key is answered the same by both, the one that
 * does not own it forwarding the request to the one that does.
 */
@Tag("integration")
class QueryRoutingIT {
  private static final List<String> SYMBOLS = List.of("BTCUSDT", "ETHUSDT", "BNBUSDT", "XRPUSDT", "ADAUSDT", "SOLUSDT");

  @TempDir Path stateDir;

  @Test
  void eachKeyIsAnsweredTheSameByBothInstances() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      try (Admin admin = kafka.admin()) {
        admin.createTopics(
                Topics.all(List.of("binance-usdm")).stream().map(t -> new NewTopic(t.name(), t.partitions(), (short) 1)).toList())
            .all()
            .get();
      }
      SerdeFactory serdes = new SerdeFactory(new InMemorySchemaRegistryClient(), Map.of("schema.registry.url", "mock://routing"));
      List<AppInstance> instances = new ArrayList<>();
      try {
        for (int i = 0; i < 2; i++) {
          instances.add(AppInstance.start(kafka, serdes, "ticklake-routing-it", stateDir.resolve("instance-" + i)));
        }
        await()
            .atMost(Duration.ofSeconds(90))
            .until(() -> instances.stream().allMatch(x -> x.streams().state() == KafkaStreams.State.RUNNING));

        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(3));
        produce(kafka, serdes, t0);

        // Both instances own some of the keys, so requests are forwarded both ways.
        Map<Integer, Set<String>> owned = new HashMap<>();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
          owned.clear();
          for (String symbol : SYMBOLS) {
            var meta = instances.get(0).streams()
                .queryMetadataForKey(OfiTopology.OFI_DAY_STORE, Keys.of("binance-usdm", symbol), Serdes.String().serializer());
            owned.computeIfAbsent(meta.activeHost().port(), p -> new HashSet<>()).add(symbol);
          }
          assertThat(owned.keySet()).containsExactlyInAnyOrder(instances.get(0).port(), instances.get(1).port());
        });

        HttpClient http = HttpClient.newHttpClient();
        for (String symbol : SYMBOLS) {
          List<JsonNode> cvd = new ArrayList<>();
          List<JsonNode> ofi = new ArrayList<>();
          List<JsonNode> quote = new ArrayList<>();
          List<JsonNode> candles = new ArrayList<>();
          for (AppInstance x : instances) {
            String base = "http://localhost:" + x.port() + "/api/v1/";
            cvd.add(QueryAnswers.await200(http, base + "cvd/binance-usdm/" + symbol, QueryAnswers::cvdComplete));
            ofi.add(QueryAnswers.await200(http, base + "ofi/binance-usdm/" + symbol, QueryAnswers::ofiComplete));
            quote.add(QueryAnswers.await200(http, base + "quotes/binance-usdm/" + symbol, n -> n.get("updateId").asLong() == 4));
            candles.add(QueryAnswers.await200(http, base + "candles/binance-usdm/" + symbol + "?interval=1m&limit=5", n -> n.get("candles").size() == 2));
          }
          for (int i = 0; i < 2; i++) {
            String as = symbol + " on instance " + i;
            // The values StreamsAppIT checks for the same records of one key.
            assertThat(cvd.get(i).get("cumulative").asText()).as(as).isEqualTo("2.5");
            assertThat(cvd.get(i).get("symbol").asText()).as(as).isEqualTo(symbol);
            assertThat(ofi.get(i).get("ofi").asText()).as(as).isEqualTo("5");
            assertThat(ofi.get(i).get("lastMinute").get("ofi").asText()).as(as).isEqualTo("2");
            assertThat(quote.get(i).get("askSize").asText()).as(as).isEqualTo("1");
            assertThat(candles.get(i).get("candles").get(1).get("vwap").asText()).as(as).isEqualTo("100.1");
          }
          assertThat(withoutAge(ofi.get(0))).as(symbol).isEqualTo(withoutAge(ofi.get(1)));
          assertThat(withoutAge(cvd.get(0))).as(symbol).isEqualTo(withoutAge(cvd.get(1)));
          assertThat(withoutAge(candles.get(0))).as(symbol).isEqualTo(withoutAge(candles.get(1)));
        }
      } finally {
        for (AppInstance x : instances) {
          x.close();
        }
      }
    }
  }

  /**
   * For each symbol the records of StreamsAppIT: four quotes and four trades (one a repeat), sent
   * in event-time order across symbols, as a venue sends them (keys share partitions, and a
   * symbol's minute sent after another's later one would be late).
   */
  private static void produce(EmbeddedKafka kafka, SerdeFactory serdes, Instant t0) throws Exception {
    List<Quote> quoteTimeline =
        List.of(
            Fixtures.quote(1, t0.plusMillis(100), "100.0", "5", "100.5", "4"),
            Fixtures.quote(2, t0.plusMillis(200), "100.0", "7", "100.5", "4"),
            Fixtures.quote(3, t0.plusSeconds(64), "100.0", "7", "100.5", "1"),
            Fixtures.quote(4, t0.plusSeconds(68), "100.0", "7", "100.5", "1"));
    List<Trade> tradeTimeline =
        List.of(
            Fixtures.trade(1, t0.plusSeconds(1), Side.BUY, "100", "2"),
            Fixtures.trade(2, t0.plusSeconds(2), Side.SELL, "100.5", "0.5"),
            Fixtures.trade(2, t0.plusSeconds(2), Side.SELL, "100.5", "0.5"),
            Fixtures.trade(3, t0.plusSeconds(75), Side.BUY, "101", "1"));
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    try (KafkaProducer<String, Trade> trades = new KafkaProducer<>(p, Serdes.String().serializer(), serdes.value(Trade.class).serializer());
        KafkaProducer<String, Quote> quotes = new KafkaProducer<>(p, Serdes.String().serializer(), serdes.value(Quote.class).serializer())) {
      for (Quote q : quoteTimeline) {
        for (String symbol : SYMBOLS) {
          Quote s = Quote.newBuilder(q).setSymbol(symbol).build();
          quotes.send(new ProducerRecord<>(Topics.QUOTES, null, s.getEventTime().toEpochMilli(), Keys.of("binance-usdm", symbol), s)).get();
        }
      }
      for (Trade t : tradeTimeline) {
        for (String symbol : SYMBOLS) {
          Trade s = Trade.newBuilder(t).setSymbol(symbol).build();
          trades.send(new ProducerRecord<>(Topics.TRADES, null, s.getEventTime().toEpochMilli(), Keys.of("binance-usdm", symbol), s)).get();
        }
      }
    }
  }

  private static JsonNode withoutAge(JsonNode n) {
    JsonNode copy = n.deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) copy).remove("ageMs");
    return copy;
  }
}
