package io.ticklake.producers.book;

import static io.ticklake.producers.book.BookSyncTest.diff;
import static io.ticklake.producers.book.BookSyncTest.lvl;
import static io.ticklake.producers.book.BookSyncTest.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticklake.schema.v1.Level;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class OrderBookTest {
  private static final Instant T = Instant.parse("2026-12-07T10:00:00Z");

  @Test
  void keepsEachSideSortedBestFirstAndRemovesZeroSizes() {
    OrderBook book = new OrderBook();
    book.apply(snapshot(T, List.of(lvl("100", "1"), lvl("101", "2"), lvl("99", "3")),
        List.of(lvl("103", "1"), lvl("102", "2"), lvl("104", "3"))));
    book.apply(diff(T, List.of(lvl("101", "0"), lvl("100.5", "4")), List.of(lvl("102", "5"), lvl("101.5", "6"))));

    assertThat(book.topBids(10)).containsExactly(lvl("100.5", "4"), lvl("100", "1"), lvl("99", "3"));
    assertThat(book.topAsks(2)).containsExactly(lvl("101.5", "6"), lvl("102", "5"));
    assertThat(book.bestBid()).isEqualTo(lvl("100.5", "4"));
    assertThat(book.bestAsk()).isEqualTo(lvl("101.5", "6"));
    assertThat(book.bidDepth()).isEqualTo(3);
    assertThat(book.askDepth()).isEqualTo(4);
  }

  @Test
  void aPriceOfAnotherScaleIsTheSameLevel() {
    OrderBook book = new OrderBook();
    book.apply(diff(T, List.of(new Level(new BigDecimal("0.0100"), new BigDecimal("1"))), List.of()));
    book.apply(diff(T, List.of(lvl("0.01", "2")), List.of()));

    assertThat(book.topBids(10)).containsExactly(lvl("0.01", "2"));
    assertThat(book.bestBid().getPrice().scale()).isEqualTo(18);
  }

  @Test
  void refusesAPriceFinerThanTheModel() {
    OrderBook book = new OrderBook();
    assertThatThrownBy(() -> book.apply(diff(T,
        List.of(new Level(new BigDecimal("0.0000000000000000001"), BigDecimal.ONE)), List.of())))
        .isInstanceOf(ArithmeticException.class)
        .hasMessageContaining("more than 18 fractional digits");
  }

  @Test
  void truncateKeepsTheBestLevels() {
    OrderBook book = new OrderBook();
    book.apply(snapshot(T, List.of(lvl("1", "1"), lvl("2", "1"), lvl("3", "1")),
        List.of(lvl("4", "1"), lvl("5", "1"), lvl("6", "1"))));
    book.truncate(2);

    assertThat(book.topBids(10)).containsExactly(lvl("3", "1"), lvl("2", "1"));
    assertThat(book.topAsks(10)).containsExactly(lvl("4", "1"), lvl("5", "1"));
  }

  @Test
  void aCopyIsIndependentAndEqualsComparesSizesNumerically() {
    OrderBook book = new OrderBook();
    book.apply(snapshot(T, List.of(lvl("100", "1")), List.of(lvl("101", "1"))));
    OrderBook copy = book.copy();
    book.apply(diff(T, List.of(lvl("100", "0")), List.of()));

    assertThat(copy.topBids(10)).containsExactly(lvl("100", "1"));
    assertThat(book.isEmpty()).isFalse();
    assertThat(book).isNotEqualTo(copy);

    OrderBook sameValues = new OrderBook();
    sameValues.apply(snapshot(T, List.of(new Level(new BigDecimal("100"), new BigDecimal("1.000"))),
        List.of(new Level(new BigDecimal("101.0"), new BigDecimal("1")))));
    assertThat(sameValues).isEqualTo(copy).hasSameHashCodeAs(copy);
  }

  /**
   * Thousands of random snapshots, diffs and truncations over prices of every magnitude the model
   * holds (below 1, around the 9.2 where a scale-18 value needs a BigInteger, five-digit, near
   * 10^20, negative), each followed by a comparison with a sorted map of the same levels.
   */
  @Test
  void matchesASortedMapOverRandomUpdates() {
    Random random = new Random(20261207L);
    String[] magnitudes = {"0.000%d", "9.22337203685477%d", "61800.%d", "99999999999999999999.%d", "-37.%d", "%d"};
    OrderBook book = new OrderBook();
    NavigableMap<BigDecimal, BigDecimal> bids = new TreeMap<>(Collections.reverseOrder());
    NavigableMap<BigDecimal, BigDecimal> asks = new TreeMap<>();
    for (int step = 0; step < 5_000; step++) {
      int op = random.nextInt(100);
      if (op < 2) {
        int depth = 1 + random.nextInt(40);
        book.truncate(depth);
        truncate(bids, depth);
        truncate(asks, depth);
      } else {
        boolean snapshot = op < 8;
        List<Level> b = randomLevels(random, magnitudes);
        List<Level> a = randomLevels(random, magnitudes);
        if (snapshot && op < 6) { // as venues send them: best first, one level per price
          b = levels(sorted(b, Collections.reverseOrder()));
          a = levels(sorted(a, null));
        }
        book.apply(snapshot ? snapshot(T, b, a) : diff(T, b, a));
        if (snapshot) {
          bids.clear();
          asks.clear();
        }
        apply(bids, b);
        apply(asks, a);
      }
      assertThat(book.topBids(Integer.MAX_VALUE)).as("bids after step %d", step).isEqualTo(levels(bids));
      assertThat(book.topAsks(Integer.MAX_VALUE)).as("asks after step %d", step).isEqualTo(levels(asks));
    }
  }

  private static List<Level> randomLevels(Random random, String[] magnitudes) {
    List<Level> out = new ArrayList<>();
    for (int i = random.nextInt(12); i > 0; i--) {
      String price = String.format(magnitudes[random.nextInt(magnitudes.length)], random.nextInt(30));
      String size = random.nextInt(4) == 0 ? "0" : "0." + (1 + random.nextInt(999));
      out.add(lvl(price, size));
    }
    return out;
  }

  private static NavigableMap<BigDecimal, BigDecimal> sorted(List<Level> levels, java.util.Comparator<BigDecimal> order) {
    NavigableMap<BigDecimal, BigDecimal> side = new TreeMap<>(order);
    apply(side, levels);
    return side;
  }

  private static void apply(Map<BigDecimal, BigDecimal> side, List<Level> levels) {
    for (Level l : levels) {
      if (l.getSize().signum() == 0) {
        side.remove(l.getPrice());
      } else {
        side.put(l.getPrice(), l.getSize());
      }
    }
  }

  private static void truncate(NavigableMap<BigDecimal, BigDecimal> side, int depth) {
    while (side.size() > depth) {
      side.pollLastEntry();
    }
  }

  private static List<Level> levels(NavigableMap<BigDecimal, BigDecimal> side) {
    List<Level> out = new ArrayList<>();
    side.forEach((p, s) -> out.add(new Level(p, s)));
    return out;
  }
}
