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

  /**
   * Appends a non-negative value of the model (scale 18) at {@code decimals} decimals, truncated,
   * as digits without the point or leading zeros (Kraken's form: {@code 45285.2} at 1 is {@code
   * 452852}). In {@code long} arithmetic after at most one division of the {@code BigInteger} a
   * price above about 9.2 is at scale 18.
   */
  static void appendTruncated(StringBuilder sb, java.math.BigDecimal value, int decimals) {
    long[] x = scaledDown(value);
    if (x != null && decimals <= x[1]) {
      sb.append(x[0] / POW10[(int) x[1] - decimals]);
    } else {
      sb.append(value.setScale(decimals, java.math.RoundingMode.DOWN).unscaledValue());
    }
  }

  /**
   * Appends a non-negative value of the model (scale 18) as plain text without trailing zeros
   * (OKX's form: {@code 0.00000174}, {@code 415}), in {@code long} arithmetic where it fits.
   */
  static void appendPlain(StringBuilder sb, java.math.BigDecimal value) {
    long[] x = scaledDown(value);
    if (x == null) {
      sb.append(value.signum() == 0 ? "0" : value.stripTrailingZeros().toPlainString());
      return;
    }
    long unscaled = x[0];
    int scale = (int) x[1];
    while (scale > 0 && unscaled % 10 == 0) {
      unscaled /= 10;
      scale--;
    }
    String digits = Long.toString(unscaled);
    if (scale == 0) {
      sb.append(digits);
    } else if (digits.length() > scale) {
      sb.append(digits, 0, digits.length() - scale).append('.').append(digits, digits.length() - scale, digits.length());
    } else {
      sb.append("0.");
      for (int i = digits.length(); i < scale; i++) {
        sb.append('0');
      }
      sb.append(digits);
    }
  }

  long[] POW10 = {1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L, 100_000_000L, 1_000_000_000L,
      10_000_000_000L, 100_000_000_000L, 1_000_000_000_000L, 10_000_000_000_000L, 100_000_000_000_000L, 1_000_000_000_000_000L,
      10_000_000_000_000_000L, 100_000_000_000_000_000L, 1_000_000_000_000_000_000L};

  /**
   * {unscaled, scale} of a non-negative value of scale 18 as a {@code long} at scale 18, or, for a
   * larger one whose last nine digits at that scale are zeros, at scale 9; {@code null} otherwise.
   */
  private static long[] scaledDown(java.math.BigDecimal value) {
    if (value.scale() != 18 || value.signum() < 0) {
      return null;
    }
    java.math.BigInteger u = value.unscaledValue();
    if (u.bitLength() < 63) {
      return new long[] {u.longValue(), 18};
    }
    java.math.BigInteger[] qr = u.divideAndRemainder(java.math.BigInteger.valueOf(1_000_000_000L));
    if (qr[1].signum() != 0 || qr[0].bitLength() >= 63) {
      return null;
    }
    return new long[] {qr[0].longValue(), 9};
  }

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
