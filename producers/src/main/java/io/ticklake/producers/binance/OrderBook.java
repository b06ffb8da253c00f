package io.ticklake.producers.binance;

import io.ticklake.schema.serde.Decimals;
import io.ticklake.schema.v1.BookDelta;
import io.ticklake.schema.v1.Level;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A price-level order book: bids best (highest) first, asks best (lowest) first. Pure and not
 * thread-safe. Applies {@link BookDelta}s: a snapshot replaces every level, a diff sets each level
 * it names, and a size of 0 removes the level.
 *
 * <p>Levels live in hash maps keyed by the price at scale 18, since every depth frame updates
 * levels and only the periodic book snapshot reads them in order: an update is a hash lookup, not
 * a walk down a tree comparing big decimals; the sorted view is made when asked for.
 */
public final class OrderBook {
  private static final Comparator<BigDecimal> BIDS_FIRST = Comparator.reverseOrder();
  private static final Comparator<BigDecimal> ASKS_FIRST = Comparator.naturalOrder();

  private final Map<BigDecimal, BigDecimal> bids = new HashMap<>();
  private final Map<BigDecimal, BigDecimal> asks = new HashMap<>();

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

  /** The best {@code n} bid levels, best first. */
  public List<Level> topBids(int n) {
    return top(bids, n, BIDS_FIRST);
  }

  /** The best {@code n} ask levels, best first. */
  public List<Level> topAsks(int n) {
    return top(asks, n, ASKS_FIRST);
  }

  private static List<Level> top(Map<BigDecimal, BigDecimal> side, int n, Comparator<BigDecimal> order) {
    List<BigDecimal> prices = new ArrayList<>(side.keySet());
    prices.sort(order);
    List<Level> out = new ArrayList<>(Math.min(n, prices.size()));
    for (int i = 0; i < prices.size() && out.size() < n; i++) {
      BigDecimal price = prices.get(i);
      out.add(new Level(price, side.get(price)));
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
    return "OrderBook{bids=" + bids.size() + " best "
        + bids.keySet().stream().max(ASKS_FIRST).map(BigDecimal::toPlainString).orElse("-")
        + ", asks=" + asks.size() + " best "
        + asks.keySet().stream().min(ASKS_FIRST).map(BigDecimal::toPlainString).orElse("-") + "}";
  }
}
