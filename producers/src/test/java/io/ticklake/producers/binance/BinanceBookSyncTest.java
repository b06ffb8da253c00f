package io.ticklake.producers.binance;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.producers.book.BookRules;
import io.ticklake.producers.book.OrderBook;
import io.ticklake.producers.book.BookSync;
import io.ticklake.producers.book.ChainRule;
import io.ticklake.schema.v1.BookDelta;
import io.ticklake.schema.v1.GapEvent;
import io.ticklake.schema.v1.GapKind;
import io.ticklake.schema.v1.Level;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BinanceBookSyncTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-08-08T23:55:00Z"), ZoneOffset.UTC);

  private final List<BookDelta> books = new ArrayList<>();
  private final List<GapEvent> gaps = new ArrayList<>();
  private final List<String> requests = new ArrayList<>();
  private final BookSync.Output out =
      new BookSync.Output() {
        @Override
        public void book(BookDelta delta) {
          books.add(delta);
        }

        @Override
        public void gap(GapEvent gap) {
          gaps.add(gap);
        }
      };

  /** Binance USD-M's rules: U/u/pu, snapshots over REST (requested through the resync callback here). */
  static BookRules binanceRules() {
    BookRules.SnapshotFetcher none = new BookRules.SnapshotFetcher() {
      @Override
      public java.util.concurrent.CompletableFuture<BookDelta> fetch(String symbol) {
        throw new UnsupportedOperationException("the test delivers snapshots itself");
      }

      @Override
      public java.util.concurrent.CompletableFuture<String> fetchBody(String symbol) {
        throw new UnsupportedOperationException("the test delivers snapshots itself");
      }
    };
    return new BookRules(ChainRule.prevPointer(), BookRules.Snapshots.REST, none, null, 0, s -> s.toLowerCase() + "@depth@100ms");
  }

  private BookSync sync(String symbol) {
    return new BookSync("binance-usdm", symbol, binanceRules(), (s, id) -> requests.add(s + "#" + id), out, CLOCK);
  }

  static Level lvl(String price, String size) {
    return new Level(new BigDecimal(price).setScale(18), new BigDecimal(size).setScale(18));
  }

  static BookDelta diff(String symbol, long firstU, long u, long pu, List<Level> bids, List<Level> asks) {
    return BookDelta.newBuilder()
        .setVenue("binance-usdm").setSymbol(symbol).setSnapshot(false)
        .setFirstUpdateId(firstU).setFinalUpdateId(u).setPrevFinalUpdateId(pu)
        .setBids(bids).setAsks(asks)
        .setEventTime(Instant.ofEpochMilli(u)).setReceiveTime(Instant.ofEpochMilli(u))
        .build();
  }

  static BookDelta diff(long firstU, long u, long pu, String bidPrice, String bidSize) {
    return diff("BTCUSDT", firstU, u, pu, List.of(lvl(bidPrice, bidSize)), List.of());
  }

  static BookDelta snapshot(String symbol, long lastUpdateId, List<Level> bids, List<Level> asks) {
    return BookDelta.newBuilder()
        .setVenue("binance-usdm").setSymbol(symbol).setSnapshot(true)
        .setFinalUpdateId(lastUpdateId).setBids(bids).setAsks(asks)
        .setEventTime(Instant.ofEpochMilli(lastUpdateId)).setReceiveTime(Instant.ofEpochMilli(lastUpdateId))
        .build();
  }

  @Test
  void normalSyncDropsStaleDiffsAndAppliesTheChain() {
    BookSync sync = sync("BTCUSDT");
    sync.onDiff(diff(90, 95, 89, "100", "1"));
    assertThat(requests).containsExactly("BTCUSDT#1");
    assertThat(sync.state()).isEqualTo(BookSync.State.AWAITING_SNAPSHOT);
    sync.onSnapshot(1, snapshot("BTCUSDT", 100, List.of(lvl("100", "2"), lvl("99", "3")), List.of(lvl("101", "4"))));
    // u=95 < lastUpdateId=100: dropped, not applied.
    assertThat(sync.droppedStaleDiffs()).isEqualTo(1);
    assertThat(sync.state()).isEqualTo(BookSync.State.AWAITING_FIRST_DIFF);
    sync.onDiff(diff(96, 99, 95, "100", "7")); // still below: dropped
    sync.onDiff(diff(100, 104, 99, "99", "0")); // straddles 100: applied
    sync.onDiff(diff(105, 110, 104, "98", "5"));
    assertThat(sync.state()).isEqualTo(BookSync.State.SYNCED);
    assertThat(sync.droppedStaleDiffs()).isEqualTo(2);
    assertThat(sync.lastUpdateId()).isEqualTo(110);
    assertThat(sync.book().topBids(10)).containsExactly(lvl("100", "2"), lvl("98", "5"));
    assertThat(sync.book().topAsks(10)).containsExactly(lvl("101", "4"));
    assertThat(books).extracting(BookDelta::getFinalUpdateId).containsExactly(100L, 104L, 110L);
    assertThat(books.get(0).getSnapshot()).isTrue();
    assertThat(gaps).isEmpty();
    assertThat(sync.bookSnapshot()).get().satisfies(s -> {
      assertThat(s.getSnapshot()).isTrue();
      assertThat(s.getFinalUpdateId()).isEqualTo(110L);
      assertThat(s.getBids()).containsExactly(lvl("100", "2"), lvl("98", "5"));
    });
  }

  @Test
  void straddlingDiffThatArrivedBeforeTheSnapshotIsKept() {
    BookSync sync = sync("BTCUSDT");
    // The straddling diff (U=98 <= 100 <= u=103) comes in before the REST answer does.
    sync.onDiff(diff(90, 97, 89, "100", "1"));
    sync.onDiff(diff(98, 103, 97, "100", "9"));
    assertThat(sync.bufferedDiffs()).isEqualTo(2);
    sync.onSnapshot(1, snapshot("BTCUSDT", 100, List.of(lvl("100", "2")), List.of()));
    assertThat(sync.state()).isEqualTo(BookSync.State.SYNCED);
    assertThat(sync.lastUpdateId()).isEqualTo(103);
    sync.onDiff(diff(104, 106, 103, "97", "1"));
    assertThat(sync.book().topBids(5)).containsExactly(lvl("100", "9"), lvl("97", "1"));
    assertThat(requests).hasSize(1);
    assertThat(gaps).isEmpty();
  }

  @Test
  void snapshotOlderThanEveryDiffIsRefetched() {
    BookSync sync = sync("BTCUSDT");
    sync.onDiff(diff(120, 130, 119, "100", "1"));
    sync.onSnapshot(1, snapshot("BTCUSDT", 100, List.of(), List.of()));
    assertThat(requests).containsExactly("BTCUSDT#1", "BTCUSDT#2");
    assertThat(sync.state()).isEqualTo(BookSync.State.AWAITING_SNAPSHOT);
    sync.onSnapshot(1, snapshot("BTCUSDT", 125, List.of(lvl("1", "1")), List.of())); // superseded: ignored
    assertThat(sync.state()).isEqualTo(BookSync.State.AWAITING_SNAPSHOT);
    sync.onSnapshot(2, snapshot("BTCUSDT", 125, List.of(), List.of()));
    assertThat(sync.state()).isEqualTo(BookSync.State.SYNCED);
    assertThat(sync.lastUpdateId()).isEqualTo(130);
  }

  @Test
  void puBreakEmitsAGapAndResyncsOnlyThatSymbol() {
    BookSync btc = sync("BTCUSDT");
    BookSync eth = sync("ETHUSDT");
    btc.onDiff(diff(100, 104, 99, "100", "1"));
    btc.onSnapshot(1, snapshot("BTCUSDT", 101, List.of(), List.of()));
    eth.onDiff(diff("ETHUSDT", 500, 504, 499, List.of(lvl("10", "1")), List.of()));
    eth.onSnapshot(1, snapshot("ETHUSDT", 502, List.of(), List.of()));
    assertThat(btc.state()).isEqualTo(BookSync.State.SYNCED);
    assertThat(eth.state()).isEqualTo(BookSync.State.SYNCED);

    btc.onDiff(diff(105, 108, 104, "100", "2"));
    btc.onDiff(diff(112, 115, 111, "100", "3")); // pu 111 != 108: 109..111 were lost

    assertThat(gaps).singleElement().satisfies(g -> {
      assertThat(g.getKind()).isEqualTo(GapKind.SEQUENCE);
      assertThat(g.getSymbol()).isEqualTo("BTCUSDT");
      assertThat(g.getLastGoodSequence()).isEqualTo(108L);
      assertThat(g.getFirstSequenceAfter()).isEqualTo(115L);
      assertThat(g.getCause()).isEqualTo("pu 111 != previous u 108");
      assertThat(g.getGapId()).isEqualTo("binance-usdm:BTCUSDT:SEQUENCE:btcusdt@depth@100ms:108");
      assertThat(g.getDetectedTime()).isEqualTo(CLOCK.instant());
    });
    assertThat(btc.state()).isEqualTo(BookSync.State.AWAITING_SNAPSHOT);
    assertThat(requests).containsExactly("BTCUSDT#1", "ETHUSDT#1", "BTCUSDT#2");

    // ETH keeps flowing while BTC waits for its snapshot.
    eth.onDiff(diff("ETHUSDT", 505, 507, 504, List.of(lvl("11", "1")), List.of()));
    assertThat(eth.lastUpdateId()).isEqualTo(507);
    btc.onDiff(diff(116, 118, 115, "100", "4"));
    assertThat(btc.bufferedDiffs()).isEqualTo(2); // the breaking diff and the next are kept

    btc.onSnapshot(2, snapshot("BTCUSDT", 116, List.of(lvl("100", "3")), List.of()));
    assertThat(btc.state()).isEqualTo(BookSync.State.SYNCED);
    assertThat(btc.lastUpdateId()).isEqualTo(118);
    assertThat(btc.book().topBids(1)).containsExactly(lvl("100", "4"));
    assertThat(btc.resyncs()).isEqualTo(1);
    assertThat(eth.resyncs()).isZero();
  }

  @Test
  void resetForgetsTheBookAndIgnoresTheOldAnswer() {
    BookSync sync = sync("BTCUSDT");
    sync.onDiff(diff(100, 104, 99, "100", "1"));
    sync.reset();
    sync.onSnapshot(1, snapshot("BTCUSDT", 101, List.of(), List.of()));
    assertThat(sync.state()).isEqualTo(BookSync.State.IDLE);
    assertThat(books).isEmpty();
    sync.onDiff(diff(200, 204, 199, "100", "1"));
    assertThat(requests).containsExactly("BTCUSDT#1", "BTCUSDT#3");
  }

  @Test
  void orderBookAppliesAndCompares() {
    OrderBook a = new OrderBook();
    a.apply(snapshot("X", 1, List.of(lvl("10", "1"), lvl("9", "2")), List.of(lvl("11", "1"))));
    a.apply(diff(2, 2, 1, "9", "0"));
    OrderBook b = new OrderBook();
    b.apply(snapshot("X", 5, List.of(new Level(new BigDecimal("10.0"), new BigDecimal("1"))), List.of(lvl("11", "1.000"))));
    assertThat(a).isEqualTo(b);
    assertThat(a.hashCode()).isEqualTo(b.hashCode());
    b.apply(diff(6, 6, 5, "8", "1"));
    assertThat(a).isNotEqualTo(b);
    assertThat(a.topBids(1)).containsExactly(lvl("10", "1"));
  }
}
