package io.ticklake.producers.binance;

import io.ticklake.schema.v1.BookDelta;
import io.ticklake.schema.v1.Level;
import java.math.BigDecimal;
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
    for (Level level : levels) {
      if (level.getSize().signum() == 0) {
        side.remove(level.getPrice());
      } else {
        side.put(level.getPrice(), level.getSize());
      }
    }
  }

  /** The best {@code n} bid levels, best first. */
  public List<Level> topBids(int n) {
    return top(bids, n);
  }

  /** The best {@code n} ask levels, best first. */
  public List<Level> topAsks(int n) {
    return top(asks, n);
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

  // Numeric equality: 0.0100 and 0.01 are the same size even if a caller skipped Decimals.of.
  private static boolean sameLevels(NavigableMap<BigDecimal, BigDecimal> a, NavigableMap<BigDecimal, BigDecimal> b) {
    if (a.size() != b.size()) {
      return false;
    }
    Iterator<Map.Entry<BigDecimal, BigDecimal>> ia = a.entrySet().iterator();
    Iterator<Map.Entry<BigDecimal, BigDecimal>> ib = b.entrySet().iterator();
    while (ia.hasNext()) {
      Map.Entry<BigDecimal, BigDecimal> ea = ia.next();
      Map.Entry<BigDecimal, BigDecimal> eb = ib.next();
      if (ea.getKey().compareTo(eb.getKey()) != 0 || ea.getValue().compareTo(eb.getValue()) != 0) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = 1;
    for (Map.Entry<BigDecimal, BigDecimal> e : bids.entrySet()) {
      h = 31 * h + e.getKey().stripTrailingZeros().hashCode();
    }
    for (Map.Entry<BigDecimal, BigDecimal> e : asks.entrySet()) {
      h = 31 * h - e.getKey().stripTrailingZeros().hashCode();
    }
    return h;
  }

  @Override
  public String toString() {
    return "OrderBook{bids=" + bids.size() + " best " + (bids.isEmpty() ? "-" : bids.firstKey().toPlainString())
        + ", asks=" + asks.size() + " best " + (asks.isEmpty() ? "-" : asks.firstKey().toPlainString()) + "}";
  }
}
