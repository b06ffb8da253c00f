package io.ticklake.producers.binance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ticklake.producers.TopicReader;
import io.ticklake.producers.book.BookSync;
import io.ticklake.producers.core.Collector;
import io.ticklake.producers.core.CollectorConfig;
import io.ticklake.producers.sim.CaptureFile;
import io.ticklake.producers.sim.VenueSimulator;
import io.ticklake.registry.RegistryConfig;
import io.ticklake.registry.RegistryServer;
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
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
  private Collector collector;
  private List<CaptureFile.Entry> capture;
  private TopicReader topics;

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
    topics = new TopicReader(kafka.bootstrapServers(), registry.url());
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

  private Collector collect(Map<String, Object> extra) {
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
    return Collector.start(new CollectorConfig(new BinanceUsdmVenue(), props));
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
    assertThat(collector.runtime().bookSync("BTCUSDT").state()).isEqualTo(BookSync.State.SYNCED);
    assertThat(collector.runtime().bookSync("BTCUSDT").sequenceGaps()).isZero();
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

    assertThat(collector.reconnects()).isGreaterThanOrEqualTo(2); // the 1006 close and the stall
    assertThat(sim.connections()).isGreaterThanOrEqualTo(3);
    assertThat(collector.rest().rateLimited()).isEqualTo(1);
    assertThat(collector.rest().banned()).isEqualTo(1);
    assertThat(sim.restRefused()).isEqualTo(2);

    List<GapEvent> gaps = topics.atLeast(Topics.GAPS, 3, GapEvent.class);
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

    List<DeadLetter> dead = topics.atLeast(Topics.DEAD_LETTER, 1, DeadLetter.class);
    assertThat(dead).singleElement().satisfies(d -> {
      assertThat(StandardCharsets.UTF_8.decode(d.getPayload()).toString()).isEqualTo(BinanceUsdmSimProfile.MALFORMED_FRAME);
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
    assertThat(collector.runtime().bookSync("BTCUSDT").resyncs()).isGreaterThanOrEqualTo(1);
    // Snapshots: the recorded one, one after the 1006 reconnect, one after the break (and any
    // after the stall's reconnects).
    assertThat(book).filteredOn(BookDelta::getSnapshot).hasSizeGreaterThanOrEqualTo(3);
  }

  /**
   * The backfill on the simulator, exactly once: a trade is dropped by the venue (the simulator
   * plays it but sends it to nobody), so the next trade's id jumps and the collector reports the
   * hole as a TRADE_ID gap; an abrupt close makes it report a DISCONNECT gap from its last trade id.
   * Both are fetched from REST ({@code /fapi/v1/trades}, {@code /fapi/v1/klines}) and written again
   * as FILLED: the dropped trade arrives once, from REST, the same trade as captured. A gap reported
   * wider than the hole, afterwards, fetches trades the live stream delivered: none is sent again.
   * The trades topic holds each captured trade exactly once.
   */
  @Test
  void gapsAreBackfilledFromRestExactlyOnce() throws Exception {
    List<Trade> captured = new ArrayList<>();
    List<Integer> tradeFrames = new ArrayList<>();
    BinanceMessageParser parser = new BinanceMessageParser();
    for (int i = 0; i < capture.size(); i++) {
      if (parser.parse(capture.get(i).frame(), Instant.EPOCH).record() instanceof Trade t) {
        captured.add(t);
        tradeFrames.add(i);
      }
    }
    sim = simulator(0).start(0);
    sim.injectBefore(tradeFrames.get(101), sim::dropNextTrade); // trade 101 reaches nobody
    sim.injectBefore(1500, sim::closeAbruptly);
    collector = collect(Map.of(CollectorConfig.BACKFILL_ENABLED_CONFIG, "true"));
    // The trade channel's produced count covers its trades and the TRADE_ID gap it reported.
    await().atMost(Duration.ofSeconds(90)).until(() -> sim.finished()
        && collector.metrics().channel("trade").produced.get() - collector.metrics().channel("trade").gaps.get() == 490);
    assertThat(collector.metrics().channel("trade").gaps.get()).as("the jump over the dropped trade").isEqualTo(1);
    assertThat(sim.droppedTrades()).isEqualTo(1);
    Trade dropped = captured.get(101);

    List<GapEvent> gaps = new ArrayList<>();
    await().atMost(Duration.ofSeconds(90)).until(() -> {
      gaps.clear();
      gaps.addAll(topics.atLeast(Topics.GAPS, 1, GapEvent.class));
      return gaps.stream().filter(g -> g.getBackfillStatus() == io.ticklake.schema.v1.BackfillStatus.FILLED)
          .map(GapEvent::getKind).toList().containsAll(List.of(GapKind.DISCONNECT, GapKind.TRADE_ID));
    });
    GapEvent idFilled = gaps.stream()
        .filter(g -> g.getKind() == GapKind.TRADE_ID && g.getBackfillStatus() == io.ticklake.schema.v1.BackfillStatus.FILLED)
        .findFirst().orElseThrow();
    assertThat(idFilled.getLastGoodSequence()).isEqualTo(Long.parseLong(captured.get(100).getTradeId()));
    assertThat(idFilled.getFirstSequenceAfter()).isEqualTo(Long.parseLong(captured.get(102).getTradeId()));
    assertThat(idFilled.getCause()).contains("1 missing");
    assertThat(idFilled.getBackfillDetail()).startsWith("1 trades from /fapi/v1/trades").contains("1 new, 0 already delivered");
    GapEvent disconnect = gaps.stream()
        .filter(g -> g.getKind() == GapKind.DISCONNECT && g.getBackfillStatus() == io.ticklake.schema.v1.BackfillStatus.FILLED)
        .findFirst().orElseThrow();
    assertThat(disconnect.getCause()).contains("1006");
    assertThat(disconnect.getLastGoodSequence()).as("the disconnect names the last trade delivered").isNotNull();

    // A hole reported wider than it is (99 to 103), once every trade is in: three fetched, none sent.
    Trade before = captured.get(99);
    Trade after = captured.get(103);
    GapEvent wide =
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
            .setCause("trade id jump, as a late detector saw it")
            .setBackfillStatus(io.ticklake.schema.v1.BackfillStatus.PENDING)
            .setBackfillDetail(null)
            .build();
    Map<String, Object> p = new HashMap<>(topics.consumerConfig());
    io.ticklake.schema.serde.AvroWireSerializer<GapEvent> ser = new io.ticklake.schema.serde.AvroWireSerializer<>();
    ser.configure(p, false);
    try (org.apache.kafka.clients.producer.KafkaProducer<String, GapEvent> producer =
        new org.apache.kafka.clients.producer.KafkaProducer<>(
            Map.of("bootstrap.servers", kafka.bootstrapServers()),
            new org.apache.kafka.common.serialization.StringSerializer(),
            ser)) {
      producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(Topics.GAPS, "binance-usdm:BTCUSDT", wide)).get();
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> topics.atLeast(Topics.GAPS, 1, GapEvent.class).stream()
        .anyMatch(g -> g.getGapId().equals(wide.getGapId()) && g.getBackfillStatus() == io.ticklake.schema.v1.BackfillStatus.FILLED));
    GapEvent wideFilled = topics.atLeast(Topics.GAPS, 1, GapEvent.class).stream()
        .filter(g -> g.getGapId().equals(wide.getGapId()) && g.getBackfillStatus() == io.ticklake.schema.v1.BackfillStatus.FILLED)
        .findFirst().orElseThrow();
    assertThat(wideFilled.getBackfillDetail()).startsWith("3 trades from /fapi/v1/trades").contains("0 new, 3 already delivered");

    // Every captured trade exactly once; the dropped one came from REST, equal to the captured one.
    List<Trade> all = consume(Topics.TRADES, 491, Trade.class);
    assertThat(all).extracting(Trade::getTradeId).doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(captured.stream().map(Trade::getTradeId).toList());
    Trade refilled = all.stream().filter(t -> t.getTradeId().equals(dropped.getTradeId())).findFirst().orElseThrow();
    assertThat(tradeKey(refilled).replaceAll("\\|[^|]*$", "")).isEqualTo(tradeKey(dropped).replaceAll("\\|[^|]*$", ""));
    assertThat(collector.metrics().channel("backfill").duplicates.get()).as("trades the backfill fetched again, not sent")
        .isGreaterThanOrEqualTo(3);
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

  private <T extends SpecificRecord> List<T> consume(String topic, int expected, Class<T> type) {
    List<T> out = topics.atLeast(topic, expected, type);
    assertThat(out).hasSize(expected);
    return out;
  }

  private List<byte[]> consumeRaw(int atLeast) {
    List<byte[]> out = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> r : topics.raw(Topics.raw("binance-usdm"), atLeast)) {
      assertThat(r.headers().lastHeader("receive-time")).isNotNull();
      out.add(r.value());
    }
    return out;
  }
}
