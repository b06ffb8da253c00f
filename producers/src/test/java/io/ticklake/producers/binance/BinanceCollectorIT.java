package io.ticklake.producers.binance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ticklake.producers.CollectorConfig;
import io.ticklake.producers.sim.CaptureFile;
import io.ticklake.producers.sim.VenueSimulator;
import io.ticklake.registry.RegistryConfig;
import io.ticklake.registry.RegistryServer;
import io.ticklake.schema.serde.AvroWireDeserializer;
import io.ticklake.schema.topic.Topics;
import io.ticklake.schema.v1.BookDelta;
import io.ticklake.schema.v1.DeadLetter;
import io.ticklake.schema.v1.GapEvent;
import io.ticklake.schema.v1.GapKind;
import io.ticklake.schema.v1.Quote;
import io.ticklake.schema.v1.Trade;
import io.ticklake.testkit.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The collector end to end: the real capture served by the venue simulator, a real broker and the
 * real registry; only the endpoint URLs differ from production.
 */
@Tag("integration")
class BinanceCollectorIT {
  private static final String CAPTURE = "/captures/binance-usdm/btcusdt-20240808.capture";
  private static final String SNAPSHOTS = "/captures/binance-usdm/btcusdt-20240808.snapshots.jsonl";

  private EmbeddedKafka kafka;
  private RegistryServer registry;
  private VenueSimulator sim;
  private BinanceUsdmCollector.Running collector;
  private List<CaptureFile.Entry> capture;
  private int groups;

  @BeforeEach
  void start() throws Exception {
    kafka = EmbeddedKafka.start();
    registry =
        new RegistryServer(
                new RegistryConfig(
                    Map.of(
                        RegistryConfig.LISTENERS_CONFIG, "http://127.0.0.1:0",
                        RegistryConfig.KAFKASTORE_BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers())))
            .start();
    capture = CaptureFile.readResource(CAPTURE);
  }

  @AfterEach
  void stop() {
    if (collector != null) {
      collector.close();
    }
    if (sim != null) {
      sim.close();
    }
    registry.close();
    kafka.close();
  }

  private VenueSimulator simulator(double speed) throws Exception {
    String snapshot = CaptureReplayTest.readResource(SNAPSHOTS).strip();
    return new VenueSimulator(capture, new BinanceUsdmSimProfile(Map.of("BTCUSDT", snapshot)), speed);
  }

  private BinanceUsdmCollector.Running collect(Map<String, Object> extra) {
    Map<String, Object> props = new HashMap<>();
    props.put(CollectorConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(CollectorConfig.SCHEMA_REGISTRY_URL_CONFIG, registry.url());
    props.put(CollectorConfig.SYMBOLS_CONFIG, "BTCUSDT");
    // The capture holds these streams; the defaults (aggTrade, depth@100ms) would match nothing.
    props.put(CollectorConfig.CHANNELS_CONFIG, "trade,depth@0ms,bookTicker");
    props.put(CollectorConfig.WS_URL_CONFIG, sim.wsUrl());
    props.put(CollectorConfig.REST_URL_CONFIG, sim.restUrl());
    // The collector alone; gapsAreBackfilledFromRestAndMarkedFilled turns the backfill on.
    props.put(CollectorConfig.BACKFILL_ENABLED_CONFIG, "false");
    props.putAll(extra);
    return BinanceUsdmCollector.run(new CollectorConfig(props));
  }

  @Test
  void realCaptureArrivesOneForOne() throws Exception {
    sim = simulator(0).start(0);
    collector = collect(Map.of());

    await().atMost(Duration.ofSeconds(90)).until(() -> sim.finished()
        && collector.metrics().rawProduced().get() == sim.framesSent()
        && collector.metrics().channel("trade").produced.get() == 491
        && collector.metrics().channel("bookTicker").produced.get() == 2563);
    assertThat(sim.framesSent()).isEqualTo(3291);

    List<Trade> trades = consume(Topics.TRADES, 491, Trade.class);
    assertThat(trades).extracting(BinanceCollectorIT::tradeKey).containsExactlyElementsOf(expectedTrades());
    List<Quote> quotes = consume(Topics.QUOTES, 2563, Quote.class);
    assertThat(quotes).extracting(BinanceCollectorIT::quoteKey).containsExactlyElementsOf(expectedQuotes());
    assertThat(consumeRaw(3291)).hasSize(3291);
    assertThat(collector.collector().orderBookSync("BTCUSDT").state()).isEqualTo(OrderBookSync.State.SYNCED);
    assertThat(collector.collector().orderBookSync("BTCUSDT").sequenceGaps()).isZero();
  }

  @Test
  void faultsAreSurvivedAndReported() throws Exception {
    sim = simulator(1).start(0);
    sim.failNextRestCall(429, 1);
    sim.injectBefore(500, () -> {
      sim.closeAbruptly();
      sim.failNextRestCall(418, 1);
    });
    sim.injectBefore(1500, sim::dropNextBookDiff);
    sim.injectBefore(2000, sim::sendMalformedFrame);
    sim.injectBefore(2500, () -> sim.stall(Duration.ofSeconds(3)));
    collector = collect(Map.of(CollectorConfig.WS_IDLE_TIMEOUT_MS_CONFIG, "1000"));

    await().atMost(Duration.ofSeconds(120)).until(() -> sim.finished()
        && collector.metrics().rawProduced().get() == sim.framesSent()
        && collector.metrics().channel("trade").produced.get() == 491
        && collector.metrics().channel("bookTicker").produced.get() == 2563);

    // Nothing the simulator sent was lost: every frame is on the raw topic, malformed one included.
    assertThat(sim.framesSent()).isEqualTo(3291 - 1 + 1); // one diff dropped, one malformed added
    assertThat(sim.droppedBookDiffs()).isEqualTo(1);
    assertThat(consumeRaw((int) sim.framesSent())).hasSize((int) sim.framesSent());
    assertThat(consume(Topics.TRADES, 491, Trade.class))
        .extracting(BinanceCollectorIT::tradeKey)
        .containsExactlyElementsOf(expectedTrades());

    assertThat(collector.ws().reconnects()).isGreaterThanOrEqualTo(2); // the 1006 close and the stall
    assertThat(sim.connections()).isGreaterThanOrEqualTo(3);
    assertThat(collector.rest().rateLimited()).isEqualTo(1);
    assertThat(collector.rest().banned()).isEqualTo(1);
    assertThat(sim.restRefused()).isEqualTo(2);

    List<GapEvent> gaps = consumeAtLeast(Topics.GAPS, 3, GapEvent.class);
    assertThat(gaps).filteredOn(g -> g.getKind() == GapKind.SEQUENCE).singleElement().satisfies(g -> {
      assertThat(g.getSymbol()).isEqualTo("BTCUSDT");
      assertThat(g.getStream()).isEqualTo("btcusdt@depth@0ms");
      assertThat(g.getFirstSequenceAfter()).isGreaterThan(g.getLastGoodSequence());
      assertThat(g.getCause()).startsWith("pu ");
    });
    assertThat(gaps).filteredOn(g -> g.getKind() == GapKind.DISCONNECT)
        .extracting(GapEvent::getCause)
        .anySatisfy(c -> assertThat(c).contains("1006"))
        .anySatisfy(c -> assertThat(c).contains("no frames for 1s"));

    List<DeadLetter> dead = consumeAtLeast(Topics.DEAD_LETTER, 1, DeadLetter.class);
    assertThat(dead).singleElement().satisfies(d -> {
      assertThat(StandardCharsets.UTF_8.decode(d.getPayload()).toString()).isEqualTo(VenueSimulator.MALFORMED_FRAME);
      assertThat(d.getSource()).isEqualTo("btcusdt@trade");
      assertThat(d.getStage()).isEqualTo("parse");
    });
    assertThat(collector.metrics().channel("trade").deadLettered.get()).isEqualTo(1);

    // The book was rebuilt after the break: a REST snapshot past the hole, then diffs chained to it.
    GapEvent sequenceGap = gaps.stream().filter(g -> g.getKind() == GapKind.SEQUENCE).findFirst().orElseThrow();
    // The depth channel's produced count covers its BookDelta records and its SEQUENCE gap events.
    long bookRecords =
        collector.metrics().channel("depth").produced.get() - collector.metrics().channel("depth").gaps.get();
    List<BookDelta> book = consume(Topics.BOOK, (int) bookRecords, BookDelta.class);
    assertThat(book)
        .filteredOn(b -> b.getSnapshot() && b.getFinalUpdateId() >= sequenceGap.getFirstSequenceAfter())
        .isNotEmpty();
    assertThat(collector.collector().orderBookSync("BTCUSDT").resyncs()).isGreaterThanOrEqualTo(1);
    // Snapshots: the recorded one, one after the 1006 reconnect, one after the break (and any
    // after the stall's reconnects).
    assertThat(book).filteredOn(BookDelta::getSnapshot).hasSizeGreaterThanOrEqualTo(3);
  }

  /**
   * The backfill on the simulator: an abrupt close makes the collector report a DISCONNECT gap
   * (PENDING), and a trade-id jump is reported the way the Streams app does. Both are fetched from
   * REST ({@code /fapi/v1/trades}, {@code /fapi/v1/klines}) and written again as FILLED; what the
   * backfill produced is exactly the capture's trades again (same id, price, size, side), for the
   * dedup downstream to absorb.
   */
  @Test
  void gapsAreBackfilledFromRestAndMarkedFilled() throws Exception {
    sim = simulator(0).start(0);
    sim.injectBefore(1500, sim::closeAbruptly);
    collector = collect(Map.of(CollectorConfig.BACKFILL_ENABLED_CONFIG, "true"));
    await().atMost(Duration.ofSeconds(90)).until(() -> sim.finished()
        && collector.metrics().channel("trade").produced.get() == 491);

    List<Trade> captured = new ArrayList<>();
    BinanceMessageParser parser = new BinanceMessageParser();
    for (CaptureFile.Entry e : capture) {
      if (parser.parse(e.frame(), Instant.EPOCH).record() instanceof Trade t) {
        captured.add(t);
      }
    }
    Trade before = captured.get(100);
    Trade after = captured.get(103); // trades 101 and 102 "missing"
    Map<String, Object> p = new HashMap<>(consumerConfig());
    p.put("bootstrap.servers", kafka.bootstrapServers());
    GapEvent idGap =
        GapEvent.newBuilder()
            .setGapId("binance-usdm:BTCUSDT:TRADE_ID:trade:" + before.getTradeId())
            .setVenue("binance-usdm")
            .setSymbol("BTCUSDT")
            .setKind(GapKind.TRADE_ID)
            .setStream("trade")
            .setLastGoodSequence(Long.parseLong(before.getTradeId()))
            .setFirstSequenceAfter(Long.parseLong(after.getTradeId()))
            .setLastGoodTime(before.getEventTime())
            .setFirstTimeAfter(after.getEventTime())
            .setDetectedTime(Instant.now())
            .setCause("trade id jump")
            .setBackfillStatus(io.ticklake.schema.v1.BackfillStatus.PENDING)
            .setBackfillDetail(null)
            .build();
    io.ticklake.schema.serde.AvroWireSerializer<GapEvent> ser = new io.ticklake.schema.serde.AvroWireSerializer<>();
    ser.configure(p, false);
    try (org.apache.kafka.clients.producer.KafkaProducer<String, GapEvent> producer =
        new org.apache.kafka.clients.producer.KafkaProducer<>(
            Map.of("bootstrap.servers", kafka.bootstrapServers()),
            new org.apache.kafka.common.serialization.StringSerializer(),
            ser)) {
      producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(Topics.GAPS, "binance-usdm:BTCUSDT", idGap)).get();
    }

    List<GapEvent> gaps = new ArrayList<>();
    await().atMost(Duration.ofSeconds(90)).until(() -> {
      gaps.clear();
      gaps.addAll(consumeAtLeast(Topics.GAPS, 1, GapEvent.class));
      return gaps.stream().filter(g -> g.getBackfillStatus() == io.ticklake.schema.v1.BackfillStatus.FILLED)
          .map(GapEvent::getKind).toList().containsAll(List.of(GapKind.DISCONNECT, GapKind.TRADE_ID));
    });
    GapEvent idFilled = gaps.stream()
        .filter(g -> g.getGapId().equals(idGap.getGapId()) && g.getBackfillStatus() != io.ticklake.schema.v1.BackfillStatus.PENDING)
        .findFirst().orElseThrow();
    assertThat(idFilled.getBackfillDetail()).startsWith("2 trades from /fapi/v1/trades").contains("1m klines");
    GapEvent disconnect = gaps.stream()
        .filter(g -> g.getKind() == GapKind.DISCONNECT && g.getBackfillStatus() == io.ticklake.schema.v1.BackfillStatus.FILLED)
        .findFirst().orElseThrow();
    assertThat(disconnect.getCause()).contains("1006");
    assertThat(collector.rest().calls()).isGreaterThanOrEqualTo(4); // depth, trades and klines, twice
    assertThat(collector.backfill().filled()).isGreaterThanOrEqualTo(2);

    // Backfilled trades are the captured ones again, byte for byte in their keys.
    Map<String, String> byId = new HashMap<>();
    captured.forEach(t -> byId.put(t.getTradeId(), tradeKey(t).replaceAll("\\|[^|]*$", "")));
    List<Trade> all = consumeAtLeast(Topics.TRADES, 491 + 2, Trade.class);
    assertThat(all.size()).isGreaterThan(491);
    for (Trade t : all) {
      assertThat(tradeKey(t).replaceAll("\\|[^|]*$", "")).isEqualTo(byId.get(t.getTradeId()));
    }
    assertThat(all.stream().filter(t -> t.getTradeId().equals(captured.get(101).getTradeId()))).hasSizeGreaterThanOrEqualTo(2);
  }

  private List<String> expectedTrades() throws Exception {
    BinanceMessageParser parser = new BinanceMessageParser();
    List<String> out = new ArrayList<>();
    for (CaptureFile.Entry e : capture) {
      if (parser.parse(e.frame(), Instant.EPOCH).record() instanceof Trade t) {
        out.add(tradeKey(t));
      }
    }
    return out;
  }

  private List<String> expectedQuotes() throws Exception {
    BinanceMessageParser parser = new BinanceMessageParser();
    List<String> out = new ArrayList<>();
    for (CaptureFile.Entry e : capture) {
      if (parser.parse(e.frame(), Instant.EPOCH).record() instanceof Quote q) {
        out.add(quoteKey(q));
      }
    }
    return out;
  }

  private static String tradeKey(Trade t) {
    return t.getSymbol() + "|" + t.getTradeId() + "|" + t.getPrice().toPlainString() + "|" + t.getSize().toPlainString()
        + "|" + t.getSide() + "|" + t.getMarketTrade() + "|" + t.getEventTime();
  }

  private static String quoteKey(Quote q) {
    return q.getUpdateId() + "|" + q.getBidPrice().toPlainString() + "|" + q.getBidSize().toPlainString() + "|"
        + q.getAskPrice().toPlainString() + "|" + q.getAskSize().toPlainString() + "|" + q.getEventTime();
  }

  private Map<String, Object> consumerConfig() {
    Map<String, Object> c = new HashMap<>();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + groups++);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put("schema.registry.url", registry.url());
    c.put("specific.avro.reader", true);
    return c;
  }

  private <T extends SpecificRecord> List<T> consume(String topic, int expected, Class<T> type) {
    List<T> out = consumeAtLeast(topic, expected, type);
    assertThat(out).hasSize(expected);
    return out;
  }

  @SuppressWarnings("unchecked")
  private <T extends SpecificRecord> List<T> consumeAtLeast(String topic, int atLeast, Class<T> type) {
    Deserializer<SpecificRecord> values = new AvroWireDeserializer<>();
    values.configure(consumerConfig(), false);
    List<T> out = new ArrayList<>();
    try (KafkaConsumer<String, SpecificRecord> consumer =
        new KafkaConsumer<>(consumerConfig(), new StringDeserializer(), values)) {
      consumer.subscribe(List.of(topic));
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        for (ConsumerRecord<String, SpecificRecord> r : consumer.poll(Duration.ofMillis(200))) {
          out.add((T) r.value());
        }
        return out.size() >= atLeast;
      });
      // Anything beyond the expected count would show up here.
      for (ConsumerRecord<String, SpecificRecord> r : consumer.poll(Duration.ofMillis(500))) {
        out.add((T) r.value());
      }
    }
    return out;
  }

  private List<byte[]> consumeRaw(int atLeast) {
    List<byte[]> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(consumerConfig(), new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(Topics.raw("binance-usdm")));
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          assertThat(r.headers().lastHeader("receive-time")).isNotNull();
          out.add(r.value());
        }
        return out.size() >= atLeast;
      });
      for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
        out.add(r.value());
      }
    }
    return out;
  }
}
