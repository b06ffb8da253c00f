package io.ticklake.producers.kraken;

import io.ticklake.producers.book.BookChecksum;
import io.ticklake.producers.book.OrderBook;
import io.ticklake.schema.v1.Level;
import java.math.BigDecimal;
import java.util.List;

/**
 * Kraken's book checksum, the same in v1 and v2: the top 10 asks from the lowest price up, then the
 * top 10 bids from the highest down; each level's price, then its quantity, written with the pair's
 * decimals, the point removed and leading zeros stripped ({@code 45285.2} is {@code 452852}, {@code
 * 0.00100000} is {@code 100000}); the CRC32 of the whole, unsigned. Computed on the collector's book
 * after the update is applied and the book truncated to the subscribed depth.
 *
 * <p>The decimals are {@link KrakenPairs}'; until a pair's are known its checksum is computed with
 * none, which fails and resubscribes the book (one gap event) rather than trusting it unverified.
 */
public final class KrakenChecksum implements BookChecksum {
  static final int LEVELS = 10;

  private final KrakenPairs pairs;

  public KrakenChecksum(KrakenPairs pairs) {
    this.pairs = pairs;
  }

  @Override
  public long compute(String symbol, OrderBook book) {
    return BookChecksum.crc32(text(symbol, book));
  }

  /** The string Kraken hashes, for tests and for a log line on a mismatch. */
  String text(String symbol, OrderBook book) {
    int priceDecimals = Math.max(0, pairs.priceDecimals(symbol));
    int qtyDecimals = Math.max(0, pairs.qtyDecimals(symbol));
    StringBuilder sb = new StringBuilder(20 * 24);
    append(sb, book.topAsks(LEVELS), priceDecimals, qtyDecimals);
    append(sb, book.topBids(LEVELS), priceDecimals, qtyDecimals);
    return sb.toString();
  }

  private static void append(StringBuilder sb, List<Level> levels, int priceDecimals, int qtyDecimals) {
    for (int i = 0, n = levels.size(); i < n; i++) {
      Level l = levels.get(i);
      digits(sb, l.getPrice(), priceDecimals);
      digits(sb, l.getSize(), qtyDecimals);
    }
  }

  /** The value at {@code decimals} as digits without the point or leading zeros: truncated, so too few decimals fail the checksum. */
  static void digits(StringBuilder sb, BigDecimal value, int decimals) {
    BookChecksum.appendTruncated(sb, value, decimals);
  }
}
