package io.ticklake.streams.ofi;

import static io.ticklake.streams.Fixtures.d;
import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.schema.v1.BookDelta;
import io.ticklake.schema.v1.Level;
import io.ticklake.streams.ofi.OfiCalculator.TopOfBook;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OfiCalculatorTest {

  private static TopOfBook tob(String bid, String bq, String ask, String aq) {
    return new TopOfBook(d(bid), d(bq), d(ask), d(aq));
  }

  /** The worked example of the issue: e = +2, +3, +1, +2, −4 and OFI = 4. */
  @Test
  void workedExample() {
    OfiCalculator calc = new OfiCalculator();
    assertThat(calc.update(tob("100.0", "5", "100.5", "4"))).isNull();
    List<BigDecimal> e = new ArrayList<>();
    e.add(calc.update(tob("100.0", "7", "100.5", "4")));
    e.add(calc.update(tob("100.0", "7", "100.5", "1")));
    e.add(calc.update(tob("100.0", "7", "101.0", "6")));
    e.add(calc.update(tob("100.5", "2", "101.0", "6")));
    e.add(calc.update(tob("100.0", "7", "101.0", "8")));
    assertThat(e).containsExactly(d("2"), d("3"), d("1"), d("2"), d("-4"));
    assertThat(calc.ofi()).isEqualTo(d("4"));
    assertThat(calc.ofi().scale()).isEqualTo(18);
    assertThat(calc.updates()).isEqualTo(5);
  }

  @Test
  void unchangedBookContributesZero() {
    assertThat(OfiCalculator.contribution(tob("1", "2", "3", "4"), tob("1", "2", "3", "4")))
        .isEqualTo(d("0"));
  }

  @Test
  void priceImprovementsCountFullSize() {
    // Bid up: +new bid size; ask down: −new ask size.
    assertThat(OfiCalculator.contribution(tob("100", "5", "101", "4"), tob("100.5", "3", "100.8", "2")))
        .isEqualTo(d("1")); // +3 − 2
    // Bid down: −old bid size; ask up: +old ask size.
    assertThat(OfiCalculator.contribution(tob("100", "5", "101", "4"), tob("99.5", "3", "101.5", "2")))
        .isEqualTo(d("-1")); // −5 + 4
  }

  @Test
  void multiLevelFirstLevelEqualsLevelOne() {
    List<Level> prevBids = List.of(lv("100", "5"), lv("99", "1"));
    List<Level> prevAsks = List.of(lv("100.5", "4"));
    List<Level> curBids = List.of(lv("100", "7"), lv("99", "3"), lv("98", "2"));
    List<Level> curAsks = List.of(lv("100.5", "4"), lv("101", "6"));
    List<BigDecimal> e = OfiCalculator.levelContributions(prevBids, prevAsks, curBids, curAsks, 4);
    assertThat(e).hasSize(4);
    assertThat(e.get(0)).isEqualTo(d("2"));
    // Level 2: bid 99 grows 1 -> 3 (+2); ask 101 appears where there was none (+inf, 0): −6.
    assertThat(e.get(1)).isEqualTo(d("-4"));
    assertThat(e.get(2)).isEqualTo(d("2")); // bid 98 appears
    assertThat(e.get(3)).isEqualTo(d("0")); // nothing on either side
  }

  @Test
  void appearingAndVanishingLevels() {
    // An ask level appearing removes its size from OFI; a bid level appearing adds it.
    List<BigDecimal> appear =
        OfiCalculator.levelContributions(List.of(), List.of(), List.of(lv("10", "2")), List.of(lv("11", "3")), 1);
    assertThat(appear).containsExactly(d("-1")); // +2 − 3
    List<BigDecimal> vanish =
        OfiCalculator.levelContributions(List.of(lv("10", "2")), List.of(lv("11", "3")), List.of(), List.of(), 1);
    assertThat(vanish).containsExactly(d("1")); // −2 + 3
  }

  /**
   * The normalized chain only: the first diff after a snapshot (a Binance diff that straddles it,
   * its own pu 8 pointing before the snapshot) applies because the collector chained it to the
   * snapshot (prevSequence 10); the book never looks at the venue's own ids.
   */
  @Test
  void orderBookFollowsChainAndDetectsGaps() {
    OrderBook book = new OrderBook();
    assertThat(book.apply(delta(false, 5L, 6, 4L, List.of(), List.of()))).isEqualTo(OrderBook.Result.NO_SNAPSHOT);
    assertThat(book.apply(delta(true, null, 10, null, List.of(lv("100", "1"), lv("99", "2")), List.of(lv("101", "3")))))
        .isEqualTo(OrderBook.Result.APPLIED);
    assertThat(book.apply(chained(delta(false, 9L, 12, 8L, List.of(lv("100", "0"), lv("99.5", "4")), List.of()), 10L)))
        .isEqualTo(OrderBook.Result.APPLIED);
    assertThat(book.bids(10)).extracting(Level::getPrice).containsExactly(d("99.5"), d("99"));
    assertThat(book.apply(delta(false, 11L, 12, 10L, List.of(), List.of()))).isEqualTo(OrderBook.Result.STALE);
    assertThat(book.apply(delta(false, 13L, 14, 12L, List.of(), List.of()))).isEqualTo(OrderBook.Result.APPLIED);
    assertThat(book.apply(delta(false, 20L, 21, 19L, List.of(), List.of()))).isEqualTo(OrderBook.Result.GAP);
    assertThat(book.valid()).isFalse();
    assertThat(book.apply(delta(false, 22L, 23, 21L, List.of(), List.of()))).isEqualTo(OrderBook.Result.NO_SNAPSHOT);
  }

  /** A venue without update ids (Coinbase level 2): only the collector's sequence says what follows what. */
  @Test
  void aVenueWithoutUpdateIdsChainsOnTheCollectorsSequence() {
    OrderBook book = new OrderBook();
    BookDelta snap = BookDelta.newBuilder(delta(true, null, 1_000_000, null, List.of(lv("100", "1")), List.of(lv("101", "1"))))
        .setPrevFinalUpdateId(null).build();
    assertThat(book.apply(snap)).isEqualTo(OrderBook.Result.APPLIED);
    BookDelta next = BookDelta.newBuilder(delta(false, null, 1_000_007, null, List.of(lv("100", "3")), List.of()))
        .setPrevSequence(1_000_000L).build();
    assertThat(book.apply(next)).isEqualTo(OrderBook.Result.APPLIED);
    assertThat(book.bids(1)).extracting(Level::getSize).containsExactly(d("3"));
    BookDelta unchained = BookDelta.newBuilder(delta(false, null, 1_000_009, null, List.of(), List.of()))
        .setPrevSequence(null).build();
    assertThat(book.apply(unchained)).as("a diff the collector did not chain").isEqualTo(OrderBook.Result.GAP);
  }

  /** The delta as the collector chains it: its prevSequence set. */
  static BookDelta chained(BookDelta d, long prevSequence) {
    return BookDelta.newBuilder(d).setPrevSequence(prevSequence).build();
  }

  static Level lv(String p, String s) {
    return new Level(d(p), d(s));
  }

  /**
   * A Binance-shaped delta with the normalized chain a collector writes for a continuing diff:
   * sequence = u, prevSequence = pu (null for snapshots).
   */
  static BookDelta delta(boolean snap, Long first, long fin, Long pu, List<Level> bids, List<Level> asks) {
    Instant t = Instant.parse("2024-05-01T10:00:00Z");
    return BookDelta.newBuilder()
        .setVenue("binance-usdm")
        .setSymbol("BTCUSDT")
        .setSnapshot(snap)
        .setFirstUpdateId(first)
        .setFinalUpdateId(fin)
        .setPrevFinalUpdateId(pu)
        .setSequence(fin)
        .setPrevSequence(snap ? null : pu)
        .setBids(bids)
        .setAsks(asks)
        .setEventTime(t)
        .setTransactTime(null)
        .setReceiveTime(t)
        .build();
  }
}
