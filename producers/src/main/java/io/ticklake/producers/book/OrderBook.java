package io.ticklake.producers.book;

import io.ticklake.schema.serde.Decimals;
import io.ticklake.schema.v1.BookDelta;
import io.ticklake.schema.v1.Level;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A price-level order book: bids best (highest) first, asks best (lowest) first. Pure and not
 * thread-safe. Applies {@link BookDelta}s: a snapshot replaces every level, a diff sets each level
 * it names, and a size of 0 removes the level.
 *
 * <p>Levels are kept sorted, so the best levels (a checksum over the top ten, a quote from the best
 * bid and ask, truncation to a venue's depth) are read without sorting; prices are keys at scale
 * 18, so 0.0100 and 0.01 are one level.
 */
public final class OrderBook {
  private final NavigableMap<BigDecimal, BigDecimal> bids = new TreeMap<>(Collections.reverseOrder());
  private final NavigableMap<BigDecimal, BigDecimal> asks = new TreeMap<>();

  /** Applies a snapshot (replacing the book) or a diff. */
  public void apply(BookDelta delta) {
    if (delta.getSnapshot()) {
      bids.clear();
      asks.clear();
    }
    applySide(bids, delta.getBids());
    applySide(asks, delta.getAsks());
  }

  private static void applySide(Map<BigDecimal, BigDecimal> side, List<Level> levels) {
    for (int i = 0, n = levels.size(); i < n; i++) {
      Level level = levels.get(i);
      BigDecimal price = key(level.getPrice());
      if (level.getSize().signum() == 0) {
        side.remove(price);
      } else {
        side.put(price, level.getSize());
      }
    }
  }

  /** One key per price, so 0.0100 and 0.01 are one level even if a caller skipped Decimals.of. */
  private static BigDecimal key(BigDecimal price) {
    if (price.scale() == Decimals.SCALE) {
      return price;
    }
    try {
      return price.setScale(Decimals.SCALE, RoundingMode.UNNECESSARY);
    } catch (ArithmeticException e) {
      return price.stripTrailingZeros(); // finer than the model allows: still one key per value
    }
  }

  /** Removes every level. */
  public void clear() {
    bids.clear();
    asks.clear();
  }

  /** Keeps the best {@code depth} levels of each side (venues that truncate their books, e.g. Kraken). */
  public void truncate(int depth) {
    while (bids.size() > depth) {
      bids.pollLastEntry();
    }
    while (asks.size() > depth) {
      asks.pollLastEntry();
    }
  }

  /** An independent copy. */
  public OrderBook copy() {
    OrderBook copy = new OrderBook();
    copy.bids.putAll(bids);
    copy.asks.putAll(asks);
    return copy;
  }

  /** The best {@code n} bid levels, best first. */
  public List<Level> topBids(int n) {
    return top(bids, n);
  }

  /** The best {@code n} ask levels, best first. */
  public List<Level> topAsks(int n) {
    return top(asks, n);
  }

  /** The best bid, or {@code null} when there is none. */
  public Level bestBid() {
    Map.Entry<BigDecimal, BigDecimal> e = bids.firstEntry();
    return e == null ? null : new Level(e.getKey(), e.getValue());
  }

  /** The best ask, or {@code null} when there is none. */
  public Level bestAsk() {
    Map.Entry<BigDecimal, BigDecimal> e = asks.firstEntry();
    return e == null ? null : new Level(e.getKey(), e.getValue());
  }

  private static List<Level> top(NavigableMap<BigDecimal, BigDecimal> side, int n) {
    List<Level> out = new ArrayList<>(Math.min(n, side.size()));
    Iterator<Map.Entry<BigDecimal, BigDecimal>> it = side.entrySet().iterator();
    while (out.size() < n && it.hasNext()) {
      Map.Entry<BigDecimal, BigDecimal> e = it.next();
      out.add(new Level(e.getKey(), e.getValue()));
    }
    return out;
  }

  public int bidDepth() {
    return bids.size();
  }

  public int askDepth() {
    return asks.size();
  }

  public boolean isEmpty() {
    return bids.isEmpty() && asks.isEmpty();
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof OrderBook other)) {
      return false;
    }
    return sameLevels(bids, other.bids) && sameLevels(asks, other.asks);
  }

  // Numeric equality of sizes: 0.0100 and 0.01 are the same size.
  private static boolean sameLevels(Map<BigDecimal, BigDecimal> a, Map<BigDecimal, BigDecimal> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (Map.Entry<BigDecimal, BigDecimal> e : a.entrySet()) {
      BigDecimal other = b.get(e.getKey());
      if (other == null || other.compareTo(e.getValue()) != 0) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = 0;
    for (BigDecimal price : bids.keySet()) {
      h += price.hashCode();
    }
    for (BigDecimal price : asks.keySet()) {
      h -= 31 * price.hashCode();
    }
    return h;
  }

  @Override
  public String toString() {
    return "OrderBook{bids=" + bids.size() + " best " + (bids.isEmpty() ? "-" : bids.firstKey().toPlainString())
        + ", asks=" + asks.size() + " best " + (asks.isEmpty() ? "-" : asks.firstKey().toPlainString()) + "}";
  }
}
