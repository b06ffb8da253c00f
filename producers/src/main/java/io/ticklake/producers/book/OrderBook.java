package io.ticklake.producers.book;

import io.ticklake.schema.serde.Decimals;
import io.ticklake.schema.v1.BookDelta;
import io.ticklake.schema.v1.Level;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A price-level order book: bids best (highest) first, asks best (lowest) first. Pure and not
 * thread-safe. Applies {@link BookDelta}s: a snapshot replaces every level, a diff sets each level
 * it names, and a size of 0 removes the level.
 *
 * <p>Levels are kept sorted, so the best levels (a checksum over the top ten, a quote from the best
 * bid and ask, truncation to a venue's depth) are read without sorting; prices are compared at scale
 * 18, so 0.0100 and 0.01 are one level.
 *
 * <p>Each side is a ladder of parallel arrays ordered worst to best, so the best level is the last
 * one and the updates a venue sends most, near the touch, move few entries. A level is found by a
 * binary search over its price's unscaled value at scale 18 as a 128-bit integer in two {@code
 * long} arrays: a price above about 9.2 is backed by a {@code BigInteger} at that scale, and a
 * tree keyed by such values spent most of its time chasing pointers to compare them.
 */
public final class OrderBook {
  private final Side bids = new Side(false);
  private final Side asks = new Side(true);

  /** Applies a snapshot (replacing the book) or a diff. */
  public void apply(BookDelta delta) {
    if (delta.getSnapshot()) {
      bids.load(delta.getBids());
      asks.load(delta.getAsks());
    } else {
      bids.apply(delta.getBids());
      asks.apply(delta.getAsks());
    }
  }

  /**
   * The levels that take a book whose side reads {@code before} (best first) to one reading {@code
   * after}: each level of {@code after} that is new or has another size, then each level of {@code
   * before} gone from {@code after} with size 0. What a venue sends when its book jumps (a
   * simulator replaying a recorded snapshot on a book that moved on).
   */
  public static List<Level> changes(List<Level> before, List<Level> after) {
    java.util.Map<BigDecimal, BigDecimal> old = new java.util.HashMap<>();
    before.forEach(l -> old.put(l.getPrice().stripTrailingZeros(), l.getSize()));
    java.util.Set<BigDecimal> now = new java.util.HashSet<>();
    List<Level> out = new ArrayList<>();
    for (Level l : after) {
      BigDecimal p = l.getPrice().stripTrailingZeros();
      now.add(p);
      BigDecimal was = old.get(p);
      if (was == null || was.compareTo(l.getSize()) != 0) {
        out.add(l);
      }
    }
    for (Level l : before) {
      if (!now.contains(l.getPrice().stripTrailingZeros())) {
        out.add(new Level(l.getPrice(), BigDecimal.ZERO));
      }
    }
    return out;
  }

  /** Removes every level. */
  public void clear() {
    bids.clear();
    asks.clear();
  }

  /** Keeps the best {@code depth} levels of each side (venues that truncate their books, e.g. Kraken). */
  public void truncate(int depth) {
    bids.truncate(depth);
    asks.truncate(depth);
  }

  /** An independent copy. */
  public OrderBook copy() {
    OrderBook copy = new OrderBook();
    copy.bids.copyFrom(bids);
    copy.asks.copyFrom(asks);
    return copy;
  }

  /** The best {@code n} bid levels, best first. */
  public List<Level> topBids(int n) {
    return bids.top(n);
  }

  /** The best {@code n} ask levels, best first. */
  public List<Level> topAsks(int n) {
    return asks.top(n);
  }

  /** The best bid, or {@code null} when there is none. */
  public Level bestBid() {
    return bids.best();
  }

  /** The best ask, or {@code null} when there is none. */
  public Level bestAsk() {
    return asks.best();
  }

  public int bidDepth() {
    return bids.size;
  }

  public int askDepth() {
    return asks.size;
  }

  public boolean isEmpty() {
    return bids.size == 0 && asks.size == 0;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof OrderBook other)) {
      return false;
    }
    return bids.sameLevels(other.bids) && asks.sameLevels(other.asks);
  }

  @Override
  public int hashCode() {
    return 31 * bids.priceHash() + asks.priceHash();
  }

  @Override
  public String toString() {
    return "OrderBook{bids=" + bids.size + " best " + bids.bestPrice() + ", asks=" + asks.size + " best "
        + asks.bestPrice() + "}";
  }

  /**
   * One side: {@code size} levels in {@code [0, size)}, worst first. For asks the worst is the
   * highest price, so their keys are stored negated and both sides search one ascending order.
   */
  private static final class Side {
    private static final int INITIAL = 64;
    /** decimal(38,18) values are below 10^38 < 2^127: each, and its negation, is a 128-bit integer. */
    private static final int MAX_KEY_BITS = 127;

    private final boolean negate;
    private long[] hi = new long[INITIAL];
    private long[] lo = new long[INITIAL];
    private BigDecimal[] prices = new BigDecimal[INITIAL];
    private BigDecimal[] sizes = new BigDecimal[INITIAL];
    private int size;

    Side(boolean negate) {
      this.negate = negate;
    }

    void apply(List<Level> levels) {
      for (int i = 0, n = levels.size(); i < n; i++) {
        Level level = levels.get(i);
        set(level.getPrice(), level.getSize());
      }
    }

    /**
     * Replaces every level. Venues send a snapshot best first, so it is laid down from its end (each
     * level appended, nothing moved); a snapshot in any other order takes the level-by-level path.
     */
    void load(List<Level> levels) {
      clear();
      int n = levels.size();
      ensureCapacity(n);
      for (int i = n - 1; i >= 0; i--) {
        Level level = levels.get(i);
        if (level.getSize().signum() == 0) {
          continue;
        }
        BigDecimal price = scaled(level.getPrice());
        long l = low(price);
        long h = high(price, l);
        if (size > 0 && compare(hi[size - 1], lo[size - 1], h, l) >= 0) {
          clear(); // not strictly best first: duplicates or another order
          apply(levels);
          return;
        }
        hi[size] = h;
        lo[size] = l;
        prices[size] = price;
        sizes[size] = level.getSize();
        size++;
      }
    }

    private void set(BigDecimal rawPrice, BigDecimal levelSize) {
      BigDecimal price = scaled(rawPrice);
      long l = low(price);
      long h = high(price, l);
      int at = search(h, l);
      if (at >= 0) {
        if (levelSize.signum() == 0) {
          remove(at);
        } else {
          sizes[at] = levelSize;
        }
      } else if (levelSize.signum() != 0) {
        insert(-at - 1, h, l, price, levelSize);
      }
    }

    /** The low 64 bits of the key: the price's unscaled value at scale 18, negated for asks. */
    private long low(BigDecimal price) {
      long l = price.unscaledValue().longValue();
      return negate ? -l : l;
    }

    /** The high 64 bits of the key, given its low bits. */
    private long high(BigDecimal price, long low) {
      BigInteger unscaled = price.unscaledValue();
      int bits = unscaled.bitLength();
      if (bits > MAX_KEY_BITS) {
        throw new IllegalArgumentException("price " + price.toPlainString() + " exceeds decimal(38,18)");
      }
      long h = bits < 64 ? (unscaled.signum() < 0 ? -1 : 0) : unscaled.shiftRight(64).longValue();
      if (negate) { // -(h:l) in two's complement: ~(h:l) + 1, carrying into h only when l is 0
        h = low == 0 ? -h : ~h;
      }
      return h;
    }

    /** The index of the key, or {@code -(insertion point) - 1}. */
    private int search(long h, long l) {
      int low = 0;
      int high = size - 1;
      while (low <= high) {
        int mid = (low + high) >>> 1;
        int c = compare(hi[mid], lo[mid], h, l);
        if (c < 0) {
          low = mid + 1;
        } else if (c > 0) {
          high = mid - 1;
        } else {
          return mid;
        }
      }
      return -(low + 1);
    }

    private static int compare(long h1, long l1, long h2, long l2) {
      return h1 != h2 ? Long.compare(h1, h2) : Long.compareUnsigned(l1, l2);
    }

    private void ensureCapacity(int capacity) {
      if (capacity > hi.length) {
        int grown = Math.max(capacity, hi.length * 2);
        hi = Arrays.copyOf(hi, grown);
        lo = Arrays.copyOf(lo, grown);
        prices = Arrays.copyOf(prices, grown);
        sizes = Arrays.copyOf(sizes, grown);
      }
    }

    private void insert(int at, long h, long l, BigDecimal price, BigDecimal levelSize) {
      ensureCapacity(size + 1);
      int tail = size - at;
      if (tail > 0) {
        System.arraycopy(hi, at, hi, at + 1, tail);
        System.arraycopy(lo, at, lo, at + 1, tail);
        System.arraycopy(prices, at, prices, at + 1, tail);
        System.arraycopy(sizes, at, sizes, at + 1, tail);
      }
      hi[at] = h;
      lo[at] = l;
      prices[at] = price;
      sizes[at] = levelSize;
      size++;
    }

    private void remove(int at) {
      int tail = size - at - 1;
      if (tail > 0) {
        System.arraycopy(hi, at + 1, hi, at, tail);
        System.arraycopy(lo, at + 1, lo, at, tail);
        System.arraycopy(prices, at + 1, prices, at, tail);
        System.arraycopy(sizes, at + 1, sizes, at, tail);
      }
      size--;
      prices[size] = null;
      sizes[size] = null;
    }

    void truncate(int depth) {
      int drop = size - depth;
      if (drop <= 0) {
        return;
      }
      System.arraycopy(hi, drop, hi, 0, depth);
      System.arraycopy(lo, drop, lo, 0, depth);
      System.arraycopy(prices, drop, prices, 0, depth);
      System.arraycopy(sizes, drop, sizes, 0, depth);
      Arrays.fill(prices, depth, size, null);
      Arrays.fill(sizes, depth, size, null);
      size = depth;
    }

    void clear() {
      Arrays.fill(prices, 0, size, null);
      Arrays.fill(sizes, 0, size, null);
      size = 0;
    }

    void copyFrom(Side other) {
      int capacity = Math.max(INITIAL, other.size);
      hi = Arrays.copyOf(other.hi, capacity);
      lo = Arrays.copyOf(other.lo, capacity);
      prices = Arrays.copyOf(other.prices, capacity);
      sizes = Arrays.copyOf(other.sizes, capacity);
      size = other.size;
    }

    List<Level> top(int n) {
      int count = Math.min(n, size);
      List<Level> out = new ArrayList<>(count);
      for (int i = size - 1; i >= size - count; i--) {
        out.add(new Level(prices[i], sizes[i]));
      }
      return out;
    }

    Level best() {
      return size == 0 ? null : new Level(prices[size - 1], sizes[size - 1]);
    }

    String bestPrice() {
      return size == 0 ? "-" : prices[size - 1].toPlainString();
    }

    // Numeric equality of sizes: 0.0100 and 0.01 are the same size.
    boolean sameLevels(Side other) {
      if (size != other.size) {
        return false;
      }
      for (int i = 0; i < size; i++) {
        if (hi[i] != other.hi[i] || lo[i] != other.lo[i] || sizes[i].compareTo(other.sizes[i]) != 0) {
          return false;
        }
      }
      return true;
    }

    int priceHash() {
      int h = 0;
      for (int i = 0; i < size; i++) {
        h = 31 * h + Long.hashCode(hi[i] ^ lo[i]);
      }
      return h;
    }
  }

  /**
   * The price at scale 18, so one value is one key. A price finer than the model allows (a caller
   * that skipped {@link Decimals#of}) cannot be a key exactly and is refused.
   */
  private static BigDecimal scaled(BigDecimal price) {
    if (price.scale() == Decimals.SCALE) {
      return price;
    }
    try {
      return price.setScale(Decimals.SCALE, RoundingMode.UNNECESSARY);
    } catch (ArithmeticException e) {
      throw new ArithmeticException(
          "price " + price.toPlainString() + " has more than " + Decimals.SCALE + " fractional digits");
    }
  }
}
