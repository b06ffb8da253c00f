package io.ticklake.producers.okx;

import io.ticklake.producers.book.BookChecksum;
import io.ticklake.producers.book.OrderBook;
import io.ticklake.schema.v1.Level;
import java.math.BigDecimal;
import java.util.List;

/**
 * OKX's book checksum, as OKX sent it until June 2026 (and in every recording from before): the
 * best 25 bids and 25 asks interleaved, {@code bid:bidSize:ask:askSize:...} (the longer side goes
 * on alone), each value as OKX writes it (no trailing zeros), joined with {@code :}; the CRC32 as
 * a signed 32-bit integer. Since June 2026 OKX sends 0, which the parser reads as "no checksum":
 * the {@code seqId} chain is then the book's only check.
 */
final class OkxChecksum implements BookChecksum {
  static final int LEVELS = 25;

  @Override
  public long compute(String symbol, OrderBook book) {
    return (int) BookChecksum.crc32(text(book));
  }

  static String text(OrderBook book) {
    List<Level> bids = book.topBids(LEVELS);
    List<Level> asks = book.topAsks(LEVELS);
    StringBuilder sb = new StringBuilder(LEVELS * 2 * 24);
    for (int i = 0; i < Math.max(bids.size(), asks.size()); i++) {
      if (i < bids.size()) {
        append(sb, bids.get(i));
      }
      if (i < asks.size()) {
        append(sb, asks.get(i));
      }
    }
    return sb.toString();
  }

  private static void append(StringBuilder sb, Level l) {
    if (sb.length() > 0) {
      sb.append(':');
    }
    plain(sb, l.getPrice());
    sb.append(':');
    plain(sb, l.getSize());
  }

  /** As OKX writes a value: plain, without trailing zeros ({@code 0.00000174}, {@code 415}). */
  static void plain(StringBuilder sb, BigDecimal v) {
    BookChecksum.appendPlain(sb, v);
  }
}
