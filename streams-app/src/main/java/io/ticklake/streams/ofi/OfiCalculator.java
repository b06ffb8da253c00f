package io.ticklake.streams.ofi;

import io.ticklake.schema.serde.Decimals;
import io.ticklake.schema.v1.Level;
import io.ticklake.schema.v1.Quote;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Order-flow imbalance, pure arithmetic on exact decimals, no Kafka types.
 *
 * <p>Level 1 (Cont, Kukanov and Stoikov 2014): for consecutive top-of-book states n-1, n
 *
 * <pre>
 * e_n = 1{Pb_n >= Pb_n-1}·qb_n − 1{Pb_n <= Pb_n-1}·qb_n-1 − 1{Pa_n <= Pa_n-1}·qa_n + 1{Pa_n >= Pa_n-1}·qa_n-1
 * </pre>
 *
 * with non-strict inequalities, so an unchanged price contributes the size change. Multi-level
 * (Xu, Gould and Howison 2019): the same rule applied to the m-th best bid and ask, m = 1..N. A
 * level that does not exist counts as size 0 at price 0 (bid) or +infinity (ask), so a level that
 * appears adds its full size and one that disappears removes it.
 */
public final class OfiCalculator {
  /** Levels of multi-level OFI. */
  public static final int DEFAULT_DEPTH = 10;

  private static final BigDecimal ZERO = Decimals.of(BigDecimal.ZERO);

  private TopOfBook previous;
  private BigDecimal sum = ZERO;
  private long updates;

  /** Best bid and ask with their sizes. A null price means the side is empty. */
  public record TopOfBook(
      BigDecimal bidPrice, BigDecimal bidSize, BigDecimal askPrice, BigDecimal askSize) {

    public static TopOfBook of(Quote quote) {
      return new TopOfBook(
          quote.getBidPrice(), quote.getBidSize(), quote.getAskPrice(), quote.getAskSize());
    }

    static TopOfBook of(Level bid, Level ask) {
      return new TopOfBook(
          bid == null ? null : bid.getPrice(),
          bid == null ? ZERO : bid.getSize(),
          ask == null ? null : ask.getPrice(),
          ask == null ? ZERO : ask.getSize());
    }
  }

  /**
   * Adds the next top of book; returns its e_n, or null for the first state (it has no
   * predecessor, so it contributes no term).
   */
  public BigDecimal update(TopOfBook next) {
    BigDecimal e = previous == null ? null : contribution(previous, next);
    previous = next;
    if (e != null) {
      sum = sum.add(e);
      updates++;
    }
    return e;
  }

  /** The sum of e_n so far. */
  public BigDecimal ofi() {
    return sum;
  }

  /** The number of e_n terms summed. */
  public long updates() {
    return updates;
  }

  /** e_n for the move from {@code prev} to {@code cur}, scale 18. */
  public static BigDecimal contribution(TopOfBook prev, TopOfBook cur) {
    BigDecimal e = ZERO;
    // An empty bid side is price 0, below every real bid.
    int bid = compareBid(cur.bidPrice(), prev.bidPrice());
    if (bid >= 0) {
      e = e.add(cur.bidSize());
    }
    if (bid <= 0) {
      e = e.subtract(prev.bidSize());
    }
    // An empty ask side is price +infinity, above every real ask.
    int ask = compareAsk(cur.askPrice(), prev.askPrice());
    if (ask <= 0) {
      e = e.subtract(cur.askSize());
    }
    if (ask >= 0) {
      e = e.add(prev.askSize());
    }
    return Decimals.of(e);
  }

  /**
   * Multi-level contributions e_n^m for m = 1..depth between two books given best-first.
   *
   * @return a list of {@code depth} values, element m-1 for the m-th best level
   */
  public static List<BigDecimal> levelContributions(
      List<Level> prevBids,
      List<Level> prevAsks,
      List<Level> curBids,
      List<Level> curAsks,
      int depth) {
    List<BigDecimal> out = new ArrayList<>(depth);
    for (int m = 0; m < depth; m++) {
      TopOfBook prev = TopOfBook.of(at(prevBids, m), at(prevAsks, m));
      TopOfBook cur = TopOfBook.of(at(curBids, m), at(curAsks, m));
      out.add(contribution(prev, cur));
    }
    return out;
  }

  private static Level at(List<Level> levels, int m) {
    return m < levels.size() ? levels.get(m) : null;
  }

  private static int compareBid(BigDecimal cur, BigDecimal prev) {
    if (cur == null || prev == null) {
      return Boolean.compare(cur != null, prev != null);
    }
    return cur.compareTo(prev);
  }

  private static int compareAsk(BigDecimal cur, BigDecimal prev) {
    if (cur == null || prev == null) {
      return Boolean.compare(cur == null, prev == null);
    }
    return cur.compareTo(prev);
  }
}
