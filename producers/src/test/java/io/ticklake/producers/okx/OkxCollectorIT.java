package io.ticklake.producers.okx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ticklake.producers.TopicReader;
import io.ticklake.producers.book.BookSync;
import io.ticklake.producers.core.Collector;
import io.ticklake.producers.core.CollectorConfig;
import io.ticklake.producers.core.ParsedFrame;
import io.ticklake.producers.sim.CaptureFile;
import io.ticklake.producers.sim.VenueSimulator;
import io.ticklake.registry.RegistryConfig;
import io.ticklake.registry.RegistryServer;
import io.ticklake.schema.topic.Topics;
import io.ticklake.schema.v1.Candle;
import io.ticklake.schema.v1.GapEvent;
import io.ticklake.schema.v1.GapKind;
import io.ticklake.schema.v1.Instrument;
import io.ticklake.schema.v1.Quote;
import io.ticklake.schema.v1.Trade;
import io.ticklake.testkit.EmbeddedKafka;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The OKX collector end to end: the simulator serving OKX's public and business endpoints from the
 * shipped capture, looped, a real broker and the real registry; only the endpoint URLs differ.
 */
@Tag("integration")
class OkxCollectorIT {
  private EmbeddedKafka kafka;
  private RegistryServer registry;
  private VenueSimulator sim;
  private Collector collector;
  private TopicReader topics;

  @BeforeEach
  void start() throws Exception {
    kafka = EmbeddedKafka.start();
    registry = new RegistryServer(new RegistryConfig(Map.of(RegistryConfig.LISTENERS_CONFIG, "http://127.0.0.1:0",
        RegistryConfig.KAFKASTORE_BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))).start();
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

  private Collector collect() {
    Map<String, Object> props = new HashMap<>();
    props.put(CollectorConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(CollectorConfig.SCHEMA_REGISTRY_URL_CONFIG, registry.url());
    props.put(CollectorConfig.WS_URL_CONFIG, "ws://127.0.0.1:" + sim.port() + "/ws/v5/public");
    props.put(CollectorConfig.REST_URL_CONFIG, sim.restUrl());
    props.put(CollectorConfig.BACKFILL_ENABLED_CONFIG, "false");
    props.put(CollectorConfig.WS_IDLE_TIMEOUT_MS_CONFIG, "60000");
    props.put(CollectorConfig.SYMBOLS_CONFIG, "BTC-USD");
    props.put(OkxVenue.CANDLES_CONFIG, "1m");
    return Collector.start(new CollectorConfig(new OkxVenue(), props));
  }

  /**
   * Three minutes of the shipped capture, looped as fast as the collector takes it, with one book
   * message lost on the way: every trade once, the book chained on seqId across the loop's seams,
   * the lost message one gap and one resubscription after which the chain holds again, the
   * instrument's reference data, quotes off the book, and closed 1-minute candles from the business
   * endpoint, each equal to the candle of its minute's trades.
   */
  @Test
  void theLoopedCaptureArrivesWholeChainedAndWithClosedCandles() throws Exception {
    List<CaptureFile.Entry> frames =
        new OkxCaptureLoop(CaptureFile.readResource(OkxSimulation.DEMO_CAPTURE), Duration.ofMinutes(3), 0);
    OkxMessageParser parser = new OkxMessageParser("okx", true);
    Map<String, Trade> played = new TreeMap<>();
    int dropAt = -1;
    int updates = 0;
    for (int i = 0; i < frames.size(); i++) {
      ParsedFrame f = parser.parse(frames.get(i).frame(), Instant.EPOCH);
      for (SpecificRecord r : f.records()) {
        if (r instanceof Trade t) {
          played.put(t.getTradeId(), t);
        } else if (r instanceof io.ticklake.schema.v1.BookDelta d && !d.getSnapshot() && ++updates == 500) {
          dropAt = i;
        }
      }
    }
    OkxSimulation simulation = new OkxSimulation();
    simulation.scan(frames);
    sim = new VenueSimulator(frames, simulation.profile(Map.of()), 0).start(0);
    sim.injectBefore(dropAt, sim::dropNextBookDiff);
    // The venue holds its timeline for a few seconds, while both endpoints' connections subscribe
    // (OKX sends no trades from before a subscription: a trade played to nobody would be missing).
    sim.stall(Duration.ofSeconds(5));
    collector = collect();
    await().atMost(Duration.ofSeconds(5)).until(() -> collector.metrics().channel("control").received.get() >= 3);
    assertThat(collector.runtime().symbols()).containsExactly("BTC-USDT");
    await().atMost(Duration.ofSeconds(120)).until(() -> sim.finished()
        && collector.metrics().channel("trades").produced.get() == played.size()
        && collector.runtime().bookSync("BTC-USDT").state() == BookSync.State.SYNCED
        && collector.runtime().bookSync("BTC-USDT").resyncs() == 1);

    List<Trade> trades = topics.atLeast(Topics.TRADES, played.size(), Trade.class);
    Set<String> ids = new HashSet<>();
    trades.forEach(t -> assertThat(ids.add(t.getTradeId())).as("trade %s once", t.getTradeId()).isTrue());
    assertThat(ids).isEqualTo(played.keySet());

    BookSync sync = collector.runtime().bookSync("BTC-USDT");
    assertThat(sync.sequenceGaps()).isEqualTo(1);
    List<GapEvent> gaps = topics.atLeast(Topics.GAPS, 1, GapEvent.class);
    assertThat(gaps).hasSize(1);
    assertThat(gaps.get(0).getKind()).isEqualTo(GapKind.SEQUENCE);
    assertThat(gaps.get(0).getCause()).startsWith("prevSeqId ");
    assertThat(sync.appliedDiffs()).isGreaterThan(updates / 2);

    Instrument btc = topics.atLeast(Topics.INSTRUMENTS, 1, Instrument.class).get(0);
    assertThat(btc.getSymbol()).isEqualTo("BTC-USDT");
    assertThat(btc.getTickSize()).isEqualByComparingTo("0.1");
    assertThat(topics.atLeast(Topics.QUOTES, 1, Quote.class)).allMatch(q -> q.getBidPrice().compareTo(q.getAskPrice()) < 0);

    Map<Instant, List<Trade>> byMinute = new TreeMap<>();
    for (Trade t : played.values()) {
      byMinute.computeIfAbsent(Instant.ofEpochSecond(Math.floorDiv(t.getEventTime().getEpochSecond(), 60) * 60), k -> new ArrayList<>()).add(t);
    }
    int closedMinutes = byMinute.size() - 1;
    assertThat(closedMinutes).isGreaterThanOrEqualTo(2);
    List<Candle> candles = topics.until(Topics.VENUE_CANDLES, Candle.class, l -> l.size() >= closedMinutes);
    Map<Instant, Candle> byOpen = new TreeMap<>();
    for (Candle c : candles) {
      assertThat(c.getClosed()).isTrue();
      assertThat(byOpen.put(c.getOpenTime(), c)).as("candle %s once", c.getOpenTime()).isNull();
    }
    assertThat(byOpen.keySet()).containsExactlyElementsOf(new ArrayList<>(byMinute.keySet()).subList(0, closedMinutes));
    for (Map.Entry<Instant, Candle> e : byOpen.entrySet()) {
      List<Trade> minute = byMinute.get(e.getKey());
      Candle c = e.getValue();
      assertThat(c.getOpen()).isEqualByComparingTo(minute.get(0).getPrice());
      assertThat(c.getClose()).isEqualByComparingTo(minute.get(minute.size() - 1).getPrice());
      assertThat(c.getVolume()).isEqualByComparingTo(minute.stream().map(Trade::getSize).reduce(BigDecimal.ZERO, BigDecimal::add));
    }
  }
}
