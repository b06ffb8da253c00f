package io.ticklake.producers.book;

/**
 * A venue's book checksum (Kraken, OKX before June 2026): computed on the collector's own book
 * after a delta is applied and compared with the one the venue sent on the delta. How the string is
 * built (which levels, how prices are formatted) is the venue's; the CRC32 and the comparison are
 * here.
 */
@FunctionalInterface
public interface BookChecksum {
  /**
   * The checksum of {@code symbol}'s {@code book} as the venue computes it, in the same
   * representation as the venue sends it (unsigned 32-bit in a long for Kraken, signed 32-bit for
   * OKX). The symbol names what the string may depend on (Kraken formats each price to its pair's
   * precision).
   */
  long compute(String symbol, OrderBook book);

  /** CRC32 (IEEE, as zlib) of an ASCII string, unsigned. */
  static long crc32(CharSequence s) {
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    byte[] bytes = new byte[s.length()];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) s.charAt(i);
    }
    crc.update(bytes);
    return crc.getValue();
  }
}
