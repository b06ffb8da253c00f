package io.ticklake.producers.coinbase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ticklake.producers.TopicReader;
import io.ticklake.producers.book.BookSync;
import io.ticklake.producers.core.Collector;
import io.ticklake.producers.core.CollectorConfig;
import io.ticklake.producers.sim.CaptureFile;
import io.ticklake.producers.sim.VenueSimulator;
import io.ticklake.registry.RegistryConfig;
import io.ticklake.registry.RegistryServer;
import io.ticklake.schema.topic.Topics;
import io.ticklake.schema.v1.BackfillStatus;
import io.ticklake.schema.v1.BookDelta;
import io.ticklake.schema.v1.DeadLetter;
import io.ticklake.schema.v1.GapEvent;
import io.ticklake.schema.v1.GapKind;
import io.ticklake.schema.v1.Instrument;
import io.ticklake.schema.v1.Level;
import io.ticklake.schema.v1.Quote;
import io.ticklake.schema.v1.Trade;
import io.ticklake.testkit.EmbeddedKafka;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The Coinbase collector end to end: the real Exchange-feed capture (ten products) served by the
 * venue simulator in the venue's own protocol, a real broker and the real registry; only the
 * endpoint URLs differ from production.
 */
@Tag("integration")
class CoinbaseCollectorIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<CaptureFile.Entry> CAPTURE = CoinbaseMessageParserTest.CAPTURE;

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

  private static List<String> products() {
    Set<String> out = new LinkedHashSet<>();
    for (CaptureFile.Entry e : CAPTURE) {
      if (e.frame().contains("\"type\":\"snapshot\"")) {
        out.add(e.frame().replaceAll(".*\"product_id\":\"([^\"]+)\".*", "$1"));
      }
    }
    return List.copyOf(out);
  }

  private Collector collect(boolean backfill) {
    Map<String, Object> props = new HashMap<>();
    props.put(CollectorConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(CollectorConfig.SCHEMA_REGISTRY_URL_CONFIG, registry.url());
    props.put(CollectorConfig.SYMBOLS_CONFIG, String.join(",", products()));
    props.put(CollectorConfig.CHANNELS_CONFIG, "matches,level2_batch,ticker,heartbeat");
    props.put(CollectorConfig.WS_URL_CONFIG, sim.wsUrl());
    props.put(CollectorConfig.REST_URL_CONFIG, sim.restUrl());
    props.put(CollectorConfig.BACKFILL_ENABLED_CONFIG, Boolean.toString(backfill));
    props.put(CollectorConfig.WS_IDLE_TIMEOUT_MS_CONFIG, "60000");
    props.put(CoinbaseVenue.CANDLES_CONFIG, "");
    return Collector.start(new CollectorConfig(new CoinbaseVenue(), props));
  }

  /** Every trade of the capture (its last_match and match frames), each trade id once. */
  private static Map<String, Set<Long>> capturedTrades() throws Exception {
    Map<String, Set<Long>> out = new TreeMap<>();
    for (CaptureFile.Entry e : CAPTURE) {
      JsonNode f = JSON.readTree(e.frame());
      String type = f.path("type").asText();
      if (type.equals("match") || type.equals("last_match")) {
        out.computeIfAbsent(f.get("product_id").asText(), k -> new java.util.TreeSet<>()).add(f.get("trade_id").asLong());
      }
    }
    return out;
  }

  /** Each product's book replayed from the capture's snapshot and updates with plain JSON, best first. */
  static Map<String, List<NavigableMap<BigDecimal, BigDecimal>>> referenceBooks(List<CaptureFile.Entry> frames) throws Exception {
    Map<String, List<NavigableMap<BigDecimal, BigDecimal>>> books = new TreeMap<>();
    for (CaptureFile.Entry e : frames) {
      JsonNode f = JSON.readTree(e.frame());
      String type = f.path("type").asText();
      String product = f.path("product_id").asText();
      if (type.equals("snapshot")) {
        NavigableMap<BigDecimal, BigDecimal> bids = new TreeMap<>(Collections.reverseOrder());
        NavigableMap<BigDecimal, BigDecimal> asks = new TreeMap<>();
        f.get("bids").forEach(l -> set(bids, l.get(0).asText(), l.get(1).asText()));
        f.get("asks").forEach(l -> set(asks, l.get(0).asText(), l.get(1).asText()));
        books.put(product, List.of(bids, asks));
      } else if (type.equals("l2update")) {
        for (JsonNode c : f.get("changes")) {
          set(books.get(product).get(c.get(0).asText().equals("buy") ? 0 : 1), c.get(1).asText(), c.get(2).asText());
        }
      }
    }
    return books;
  }

  private static void set(NavigableMap<BigDecimal, BigDecimal> side, String price, String size) {
    BigDecimal p = new BigDecimal(price).stripTrailingZeros();
    BigDecimal s = new BigDecimal(size).stripTrailingZeros();
    if (s.signum() == 0) {
      side.remove(p);
    } else {
      side.put(p, s);
    }
  }

  static List<String> top(NavigableMap<BigDecimal, BigDecimal> side, int n) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<BigDecimal, BigDecimal> e : side.entrySet()) {
      if (out.size() == n) {
        break;
      }
      out.add(e.getKey().toPlainString() + "x" + e.getValue().toPlainString());
    }
    return out;
  }

  static List<String> top(List<Level> levels) {
    return levels.stream()
        .map(l -> l.getPrice().stripTrailingZeros().toPlainString() + "x" + l.getSize().stripTrailingZeros().toPlainString())
        .toList();
  }

  /**
   * The whole capture, as fast as the collector takes it: every trade arrives once (the last match
   * each subscription begins with included), every product's book is in step and its top ten
   * levels equal an independent replay of the capture, quotes are read off the book, and the
   * products' definitions are written.
   */
  @Test
  void theCaptureArrivesWholeAndEveryBookIsInStep() throws Exception {
    sim = new VenueSimulator(CAPTURE, new CoinbaseSimProfile(CoinbaseSimulation.products()), 0).start(0);
    collector = collect(false);
    Map<String, Set<Long>> captured = capturedTrades();
    int trades = captured.values().stream().mapToInt(Set::size).sum();
    assertThat(trades).isEqualTo(34);
    await().atMost(Duration.ofSeconds(90)).until(() -> sim.finished()
        && collector.metrics().channel("matches").produced.get() == trades);

    List<Trade> written = topics.atLeast(Topics.TRADES, trades, Trade.class);
    Map<String, Set<Long>> byProduct = new TreeMap<>();
    for (Trade t : written) {
      assertThat(byProduct.computeIfAbsent(t.getSymbol(), k -> new java.util.TreeSet<>()).add(Long.parseLong(t.getTradeId())))
          .as("trade %s of %s once", t.getTradeId(), t.getSymbol()).isTrue();
    }
    assertThat(byProduct).isEqualTo(captured);

    Map<String, List<NavigableMap<BigDecimal, BigDecimal>>> reference = referenceBooks(CAPTURE);
    assertThat(reference).hasSize(10);
    for (String product : products()) {
      BookSync sync = collector.runtime().bookSync(product);
      assertThat(sync.state()).as(product).isEqualTo(BookSync.State.SYNCED);
      assertThat(top(sync.book().topBids(10))).as(product + " bids").isEqualTo(top(reference.get(product).get(0), 10));
      assertThat(top(sync.book().topAsks(10))).as(product + " asks").isEqualTo(top(reference.get(product).get(1), 10));
    }
    List<BookDelta> book = topics.atLeast(Topics.BOOK, 3549 + 10, BookDelta.class);
    assertThat(book).filteredOn(BookDelta::getSnapshot).hasSize(10);
    for (BookDelta d : book) {
      assertThat(d.getSequence()).isEqualTo(d.getFinalUpdateId());
      if (!d.getSnapshot()) {
        assertThat(d.getPrevSequence()).isNotNull().isLessThan(d.getSequence());
      }
    }
    List<Quote> quotes = topics.atLeast(Topics.QUOTES, 10, Quote.class);
    Map<String, Quote> lastQuote = new HashMap<>();
    quotes.forEach(q -> lastQuote.put(q.getSymbol(), q));
    for (String product : products()) {
      Quote q = lastQuote.get(product);
      NavigableMap<BigDecimal, BigDecimal> bids = reference.get(product).get(0);
      NavigableMap<BigDecimal, BigDecimal> asks = reference.get(product).get(1);
      assertThat(q.getBidPrice().compareTo(bids.firstKey())).as(product + " last quote's bid").isZero();
      assertThat(q.getAskPrice().compareTo(asks.firstKey())).as(product + " last quote's ask").isZero();
      assertThat(q.getAskSize().compareTo(asks.firstEntry().getValue())).isZero();
    }
    List<Instrument> instruments = topics.atLeast(Topics.INSTRUMENTS, 10, Instrument.class);
    assertThat(instruments).extracting(Instrument::getSymbol).containsExactlyInAnyOrderElementsOf(products());
    assertThat(instruments).filteredOn(i -> i.getSymbol().equals("SKL-USD")).singleElement().satisfies(i -> {
      assertThat(i.getCanonicalSymbol()).isEqualTo("SKL-USD");
      assertThat(i.getTickSize()).isNotNull();
    });
  }

  /**
   * A collector restarted on a feed that starts over (the same capture served again from its first
   * frame, {@code last_match} included) writes no trade twice: what the first run wrote is read
   * back from the trades topic at start.
   */
  @Test
  void aRestartedCollectorWritesNoTradeTwice() throws Exception {
    Map<String, Set<Long>> captured = capturedTrades();
    int trades = captured.values().stream().mapToInt(Set::size).sum();
    sim = new VenueSimulator(CAPTURE, new CoinbaseSimProfile(CoinbaseSimulation.products()), 0).start(0);
    collector = collect(false);
    await().atMost(Duration.ofSeconds(90)).until(() -> sim.finished()
        && collector.metrics().channel("matches").produced.get() == trades);
    collector.close();
    sim.close();

    sim = new VenueSimulator(CAPTURE, new CoinbaseSimProfile(CoinbaseSimulation.products()), 0).start(0);
    collector = collect(false);
    await().atMost(Duration.ofSeconds(90)).until(() -> sim.finished()
        && collector.metrics().channel("matches").duplicates.get() == trades);
    assertThat(collector.metrics().channel("matches").produced.get()).isZero();
    Map<String, Set<Long>> byProduct = new TreeMap<>();
    for (Trade t : topics.atLeast(Topics.TRADES, trades, Trade.class)) {
      assertThat(byProduct.computeIfAbsent(t.getSymbol(), k -> new java.util.TreeSet<>()).add(Long.parseLong(t.getTradeId())))
          .as("trade %s of %s once", t.getTradeId(), t.getSymbol()).isTrue();
    }
    assertThat(byProduct).isEqualTo(captured);
  }

  /**
   * Faults of the venue, each survived and reported: a dropped match is noticed and filled from
   * REST with exactly the missing trade (FILLED); a disconnect leads to a fresh snapshot of every
   * book; a 429 is waited out; a malformed frame is dead-lettered.
   */
  @Test
  void faultsAreSurvivedAndReported() throws Exception {
    List<Integer> sklUsdMatches = new ArrayList<>();
    for (int i = 0; i < CAPTURE.size(); i++) {
      if (CAPTURE.get(i).frame().startsWith("{\"type\":\"match\"") && CAPTURE.get(i).frame().contains("\"SKL-USD\"")) {
        sklUsdMatches.add(i);
      }
    }
    long droppedId = JSON.readTree(CAPTURE.get(sklUsdMatches.get(2)).frame()).get("trade_id").asLong();
    sim = new VenueSimulator(CAPTURE, new CoinbaseSimProfile(CoinbaseSimulation.products()), 1).start(0);
    sim.failNextRestCall(429, 1); // the first REST call (the products' definitions) is refused
    sim.injectBefore(sklUsdMatches.get(2), sim::dropNextTrade);
    sim.injectBefore(2000, sim::closeAbruptly);
    sim.injectBefore(2500, sim::sendMalformedFrame);
    collector = collect(true);
    Map<String, Set<Long>> captured = capturedTrades();
    int trades = captured.values().stream().mapToInt(Set::size).sum();

    await().atMost(Duration.ofSeconds(120)).until(() -> sim.finished()
        && collector.metrics().channel("matches").produced.get() + collector.metrics().channel("backfill").produced.get() >= trades);
    assertThat(sim.droppedTrades()).isEqualTo(1);

    // The dropped match: a TRADE_ID gap, filled from REST with exactly that trade.
    List<GapEvent> gaps = new ArrayList<>();
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      gaps.clear();
      gaps.addAll(topics.atLeast(Topics.GAPS, 1, GapEvent.class));
      return gaps.stream().anyMatch(g -> g.getKind() == GapKind.TRADE_ID && g.getBackfillStatus() == BackfillStatus.FILLED)
          && gaps.stream().anyMatch(g -> g.getKind() == GapKind.DISCONNECT && g.getBackfillStatus() == BackfillStatus.FILLED);
    });
    GapEvent filled = gaps.stream()
        .filter(g -> g.getKind() == GapKind.TRADE_ID && g.getBackfillStatus() == BackfillStatus.FILLED).findFirst().orElseThrow();
    assertThat(filled.getSymbol()).isEqualTo("SKL-USD");
    assertThat(filled.getLastGoodSequence()).isEqualTo(droppedId - 1);
    assertThat(filled.getBackfillDetail()).startsWith("1 trades from /products/SKL-USD/trades").contains("1 new");
    List<Trade> written = topics.atLeast(Topics.TRADES, trades, Trade.class);
    assertThat(written).filteredOn(t -> t.getSymbol().equals("SKL-USD") && t.getTradeId().equals(Long.toString(droppedId))).hasSize(1);
    Map<String, Set<Long>> byProduct = new TreeMap<>();
    for (Trade t : written) {
      assertThat(byProduct.computeIfAbsent(t.getSymbol(), k -> new java.util.TreeSet<>()).add(Long.parseLong(t.getTradeId())))
          .as("trade %s of %s once", t.getTradeId(), t.getSymbol()).isTrue();
    }
    assertThat(byProduct).isEqualTo(captured);

    // The disconnect: every product's book rebuilt from a fresh snapshot on the new connection.
    assertThat(collector.reconnects()).isGreaterThanOrEqualTo(1);
    assertThat(sim.connections()).isGreaterThanOrEqualTo(2);
    await().atMost(Duration.ofSeconds(30)).until(() -> products().stream()
        .allMatch(p -> collector.runtime().bookSync(p).state() == BookSync.State.SYNCED));
    // Each product's book: its first snapshot and one more after the reconnect.
    topics.until(Topics.BOOK, BookDelta.class, book -> {
      Map<String, Integer> snapshots = new HashMap<>();
      book.stream().filter(BookDelta::getSnapshot).forEach(b -> snapshots.merge(b.getSymbol(), 1, Integer::sum));
      return snapshots.size() == 10 && snapshots.values().stream().allMatch(n -> n >= 2);
    });
    Map<String, List<NavigableMap<BigDecimal, BigDecimal>>> reference = referenceBooks(CAPTURE);
    for (String product : products()) {
      assertThat(top(collector.runtime().bookSync(product).book().topBids(10))).as(product + " bids after the resync")
          .isEqualTo(top(reference.get(product).get(0), 10));
    }

    // The 429: waited out (Coinbase says no Retry-After: the penalty box), then answered.
    assertThat(collector.rest().rateLimited()).isEqualTo(1);
    assertThat(sim.restRefused()).isEqualTo(1);
    assertThat(topics.atLeast(Topics.INSTRUMENTS, 10, Instrument.class)).hasSize(10);

    // The malformed frame: counted and kept whole in the dead-letter topic.
    List<DeadLetter> dead = topics.atLeast(Topics.DEAD_LETTER, 1, DeadLetter.class);
    assertThat(dead).singleElement().satisfies(d -> {
      assertThat(StandardCharsets.UTF_8.decode(d.getPayload()).toString()).isEqualTo(CoinbaseSimProfile.MALFORMED_FRAME);
      assertThat(d.getStage()).isEqualTo("parse");
      assertThat(d.getVenue()).isEqualTo("coinbase");
    });
    assertThat(collector.metrics().channel("matches").deadLettered.get()).isEqualTo(1);
  }
}
