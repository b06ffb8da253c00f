package io.ticklake.producers.kraken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ticklake.producers.TopicReader;
import io.ticklake.producers.book.BookSync;
import io.ticklake.producers.core.Collector;
import io.ticklake.producers.core.CollectorConfig;
import io.ticklake.producers.core.FrameParser;
import io.ticklake.producers.core.ParsedFrame;
import io.ticklake.producers.sim.CaptureFile;
import io.ticklake.producers.sim.Simulation;
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
 * The Kraken collector end to end, in both protocols: the venue simulator speaking Kraken's wire
 * format (the shipped v2 capture looped; a real v1 recording as recorded), a real broker and the
 * real registry; only the endpoint URLs differ from production.
 */
@Tag("integration")
class KrakenCollectorIT {
  private EmbeddedKafka kafka;
  private RegistryServer registry;
  private VenueSimulator sim;
  private Collector collector;
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

  private VenueSimulator simulate(List<CaptureFile.Entry> frames, double speed) throws Exception {
    KrakenSimulation simulation = new KrakenSimulation();
    simulation.scan(frames);
    return new VenueSimulator(frames, simulation.profile(Map.of()), speed).start(0);
  }

  private Collector collect(Map<String, Object> own) {
    Map<String, Object> props = new HashMap<>();
    props.put(CollectorConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(CollectorConfig.SCHEMA_REGISTRY_URL_CONFIG, registry.url());
    props.put(CollectorConfig.WS_URL_CONFIG, sim.wsUrl().replaceAll("/$", "") + "/v2");
    props.put(CollectorConfig.REST_URL_CONFIG, sim.restUrl());
    props.put(CollectorConfig.BACKFILL_ENABLED_CONFIG, "false");
    props.put(CollectorConfig.WS_IDLE_TIMEOUT_MS_CONFIG, "60000");
    props.putAll(own);
    return Collector.start(new CollectorConfig(new KrakenVenue(), props));
  }

  /**
   * Three minutes of the shipped capture, looped as fast as the collector takes it: every trade
   * once, every book checksum (the simulator's snapshot and each update, recorded or written by
   * the simulator for a later loop) verified on the collector's book, quotes, the pair's reference
   * data, and closed 1-minute candles only, each equal to the candle of the trades played in its
   * minute.
   */
  @Test
  void theLoopedV2CaptureArrivesWholeVerifiedAndWithClosedCandles() throws Exception {
    List<CaptureFile.Entry> frames =
        new KrakenCaptureLoop(CaptureFile.readResource(KrakenSimulation.DEMO_CAPTURE), Duration.ofMinutes(3), 0);
    FrameParser parser = KrakenVenue.parser(KrakenProtocol.V2, new KrakenPairs());
    Map<String, Trade> played = new TreeMap<>();
    int bookUpdates = 0;
    for (CaptureFile.Entry e : frames) {
      ParsedFrame f = parser.parse(e.frame(), Instant.EPOCH);
      for (SpecificRecord r : f.records()) {
        if (r instanceof Trade t) {
          played.put(t.getTradeId(), t);
        } else if (r instanceof io.ticklake.schema.v1.BookDelta d && !d.getSnapshot()) {
          bookUpdates++;
        }
      }
    }
    assertThat(played).hasSizeGreaterThan(3000);
    sim = simulate(frames, 0);
    collector = collect(Map.of(CollectorConfig.SYMBOLS_CONFIG, "BTC-USD", KrakenVenue.OHLC_CONFIG, "1m",
        KrakenVenue.BOOK_DEPTH_CONFIG, "10"));
    assertThat(collector.runtime().symbols()).containsExactly("BTC/USD");
    await().atMost(Duration.ofSeconds(120)).until(() -> sim.finished()
        && collector.metrics().channel("trade").produced.get() == played.size()
        && collector.metrics().checksumsVerified() == collector.metrics().channel("book").received.get());

    List<Trade> trades = topics.atLeast(Topics.TRADES, played.size(), Trade.class);
    Set<String> ids = new HashSet<>();
    for (Trade t : trades) {
      assertThat(ids.add(t.getTradeId())).as("trade %s once", t.getTradeId()).isTrue();
      assertThat(t.getSymbol()).isEqualTo("BTC/USD");
    }
    assertThat(ids).isEqualTo(played.keySet());

    BookSync sync = collector.runtime().bookSync("BTC/USD");
    assertThat(sync.state()).isEqualTo(BookSync.State.SYNCED);
    // Every book message received (the snapshot sent on subscribe, each update after it, recorded
    // or written by the simulator at a loop's seam) carried a checksum that held.
    assertThat(sync.checksumsVerified()).isEqualTo(collector.metrics().channel("book").received.get()).isGreaterThan(bookUpdates / 2);
    assertThat(collector.metrics().checksumsFailed()).isZero();
    assertThat(sync.sequenceGaps()).isZero();

    assertThat(topics.atLeast(Topics.QUOTES, 1, Quote.class)).allMatch(q -> q.getBidPrice().compareTo(q.getAskPrice()) < 0);
    Instrument btc = topics.atLeast(Topics.INSTRUMENTS, 1, Instrument.class).get(0);
    assertThat(btc.getSymbol()).isEqualTo("BTC/USD");
    assertThat(btc.getCanonicalSymbol()).isEqualTo("BTC-USD");
    assertThat(btc.getLotSize()).isEqualByComparingTo("0.00000001");

    // Candles: the minutes the play covers, but the last (still running when the play ended).
    Map<Instant, List<Trade>> byMinute = new TreeMap<>();
    for (Trade t : played.values()) {
      byMinute.computeIfAbsent(Instant.ofEpochSecond(Math.floorDiv(t.getEventTime().getEpochSecond(), 60) * 60), k -> new ArrayList<>())
          .add(t);
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
      assertThat(c.getHigh()).isEqualByComparingTo(minute.stream().map(Trade::getPrice).max(BigDecimal::compareTo).orElseThrow());
      assertThat(c.getLow()).isEqualByComparingTo(minute.stream().map(Trade::getPrice).min(BigDecimal::compareTo).orElseThrow());
      assertThat(c.getVolume()).isEqualByComparingTo(minute.stream().map(Trade::getSize).reduce(BigDecimal.ZERO, BigDecimal::add));
      assertThat(c.getTradeCount()).isEqualTo(minute.size());
    }
  }

  /** Updates the collector dropped while it waited for the fresh snapshot (the snapshot includes them). */
  private long droppedBeforeSnapshot() {
    BookSync sync = collector.runtime().bookSync("XBT/USD");
    return sync == null ? 0 : sync.droppedBeforeSnapshot();
  }

  /**
   * A real v1 recording (book-10, XBT/USD), replayed: the capture says its protocol and depth, the
   * collector verifies every update's checksum; a diff lost on the way (the simulator drops it, the
   * venue's book moves on) is caught at the next checksum, as one gap and one resubscription of
   * that book, whose fresh snapshot every later update verifies against.
   */
  @Test
  void aRealV1RecordingReplaysVerifiedAndALostDiffResubscribesOnce() throws Exception {
    plantedFaultResubscribesOnce(false);
  }

  /** A level altered in flight (its message's checksum still the true book's): one resubscription, one gap. */
  @Test
  void aWrongLevelInARealV1RecordingResubscribesOnce() throws Exception {
    plantedFaultResubscribesOnce(true);
  }

  private void plantedFaultResubscribesOnce(boolean alter) throws Exception {
    // The recording has no receive times: played 20 ms apart, so the venue is still sending when
    // the collector resubscribes.
    List<CaptureFile.Entry> frames = new ArrayList<>();
    Instant t = Instant.parse("2023-08-30T17:08:48Z");
    for (String f : KrakenBookReplayTest.frames(KrakenBookReplayTest.V1_20230830)) {
      frames.add(new CaptureFile.Entry(t, f));
      t = t.plusMillis(20);
    }
    Simulation.Contents contents = new KrakenSimulation().scan(frames);
    assertThat(contents.settings()).containsEntry(KrakenVenue.PROTOCOL_CONFIG, "v1").containsEntry(KrakenVenue.BOOK_DEPTH_CONFIG, "10");
    assertThat(contents.symbols()).containsExactly("XBT/USD");
    int updates = (int) frames.stream().filter(e -> e.frame().contains("\"c\":\"")).count();
    assertThat(updates).isEqualTo(66);
    int dropAt = -1;
    for (int i = 0, seen = 0; i < frames.size(); i++) {
      if (frames.get(i).frame().contains("\"c\":\"") && ++seen == 30) {
        dropAt = i;
      }
    }
    sim = simulate(frames, 1);
    sim.injectBefore(dropAt, alter ? sim::alterNextBookLevel : sim::dropNextBookDiff);
    Map<String, Object> own = new HashMap<>(contents.settings());
    own.put(CollectorConfig.SYMBOLS_CONFIG, "BTC-USD"); // v1 spells it XBT/USD
    own.put(CollectorConfig.CHANNELS_CONFIG, "book");
    collector = collect(own);
    assertThat(collector.runtime().symbols()).containsExactly("XBT/USD");
    await().atMost(Duration.ofSeconds(60)).until(() -> sim.finished() && sim.droppedBookDiffs() + sim.alteredBookLevels() == 1
        && collector.metrics().checksumsFailed() == 1 && collector.runtime().bookSync("XBT/USD").state() == BookSync.State.SYNCED
        && collector.metrics().checksumsVerified() + 1 + droppedBeforeSnapshot() == collector.metrics().channel("book").received.get() - 2);

    List<GapEvent> gaps = topics.atLeast(Topics.GAPS, 1, GapEvent.class);
    assertThat(gaps).hasSize(1);
    assertThat(gaps.get(0).getKind()).isEqualTo(GapKind.SEQUENCE);
    assertThat(gaps.get(0).getStream()).isEqualTo("book:XBT/USD");
    assertThat(gaps.get(0).getCause()).contains("checksum mismatch");
    BookSync sync = collector.runtime().bookSync("XBT/USD");
    assertThat(sync.resyncs()).isEqualTo(1);
    assertThat(sync.checksumFailures()).isEqualTo(1);
    // 29 before the lost or altered diff, then every update after the fresh snapshot: nothing else failed.
    assertThat(sync.checksumsVerified()).isGreaterThanOrEqualTo(29 + 20);
  }
}
