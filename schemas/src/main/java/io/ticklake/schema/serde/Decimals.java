package io.ticklake.schema.serde;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * Exact decimals for the model's {@code decimal(38,18)} fields: venue strings in, plain strings
 * out. Nothing is ever rounded: a value that does not fit raises instead of losing digits.
 */
public final class Decimals {

  /** The scale of every decimal in the v1 model. */
  public static final int SCALE = 18;

  /** The precision of every decimal in the v1 model. */
  public static final int PRECISION = 38;

  /** 10^20 at scale 18: the smallest magnitude with more than 38 digits. */
  private static final BigDecimal TOO_LARGE = BigDecimal.TEN.pow(PRECISION - SCALE).setScale(SCALE);

  private static final BigDecimal TOO_SMALL = TOO_LARGE.negate();

  private Decimals() {}

  /**
   * Parses a venue decimal string ({@code "0.00100000"}, {@code "-12.5"}, {@code "1E-8"}) to a
   * value of scale 18.
   *
   * @throws ArithmeticException if it has more than 18 fractional digits that are not zero
   * @throws IllegalArgumentException if it is not a number, or needs more than 38 digits at scale 18
   */
  public static BigDecimal of(String venueDecimal) {
    if (venueDecimal == null) {
      throw new IllegalArgumentException("decimal string is null");
    }
    BigDecimal fast = plain(venueDecimal, 0, venueDecimal.length());
    if (fast != null) {
      return fast;
    }
    BigDecimal parsed;
    try {
      parsed = new BigDecimal(venueDecimal.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a decimal: '" + venueDecimal + "'", e);
    }
    return of(parsed);
  }

  /**
   * {@link #of(String)} on {@code len} characters of {@code chars} from {@code off}, without making
   * a {@code String} first (a parser's buffer).
   */
  public static BigDecimal of(char[] chars, int off, int len) {
    BigDecimal fast = plain(chars, off, len);
    return fast != null ? fast : of(new String(chars, off, len));
  }

  /** {@link #of(String)} on {@code len} characters of {@code s} from {@code off}. */
  public static BigDecimal of(CharSequence s, int off, int len) {
    BigDecimal fast = plain(s, off, len);
    return fast != null ? fast : of(s.subSequence(off, off + len).toString());
  }

  /**
   * The common venue form, an optional {@code -}, at most 18 digits and an optional fraction
   * ({@code "61800.20"}, {@code "0.014"}), straight to scale 18 with no intermediate values; {@code
   * null} for anything else (exponents, signs, spaces, more digits), which takes the general path.
   * At most 18 significant digits at scale 18 need at most 36 digits, so the precision holds.
   */
  private static BigDecimal plain(CharSequence s, int off, int len) {
    return plain(s, null, off, len);
  }

  private static BigDecimal plain(char[] chars, int off, int len) {
    return plain(null, chars, off, len);
  }

  private static BigDecimal plain(CharSequence s, char[] chars, int off, int len) {
    int end = off + len;
    int i = off;
    boolean negative = false;
    if (i < end && charAt(s, chars, i) == '-') {
      negative = true;
      i++;
    }
    long unscaled = 0;
    int digits = 0;
    int fraction = -1;
    for (; i < end; i++) {
      char c = charAt(s, chars, i);
      if (c >= '0' && c <= '9') {
        if (++digits > MAX_FAST_DIGITS) {
          return null;
        }
        unscaled = unscaled * 10 + (c - '0');
        if (fraction >= 0) {
          fraction++;
        }
      } else if (c == '.' && fraction < 0) {
        fraction = 0;
      } else {
        return null;
      }
    }
    if (digits == 0 || fraction == 0) {
      return null; // "", "-", "1." and "." are left to BigDecimal's own verdict
    }
    int shift = SCALE - Math.max(fraction, 0);
    if (negative) {
      unscaled = -unscaled;
    }
    if (Math.abs(unscaled) <= LONG_SAFE[shift]) {
      return BigDecimal.valueOf(unscaled * LONG_POW10[shift], SCALE);
    }
    return large(unscaled, shift);
  }

  /**
   * A value whose unscaled form at scale 18 needs a {@code BigInteger} (a price above about 9.2):
   * made once and handed out again while it stays in a small direct-mapped table, because a venue
   * repeats the same prices frame after frame (the levels near the touch, the last trade price).
   * Entries are immutable, so threads may race on a slot: each reads a whole entry or none.
   */
  private static BigDecimal large(long unscaled, int shift) {
    long mixed = (unscaled ^ (unscaled >>> 29)) * 0x9E3779B97F4A7C15L + shift;
    int slot = (int) (mixed >>> 52) & (LARGE.length - 1);
    Large hit = LARGE[slot];
    if (hit != null && hit.unscaled == unscaled && hit.shift == shift) {
      return hit.value;
    }
    BigDecimal value = new BigDecimal(BigInteger.valueOf(unscaled).multiply(BIG_POW10[shift]), SCALE);
    LARGE[slot] = new Large(unscaled, shift, value);
    return value;
  }

  /** A large value and the digits and fraction length it was read from. */
  private record Large(long unscaled, int shift, BigDecimal value) {}

  private static final Large[] LARGE = new Large[4096];

  private static char charAt(CharSequence s, char[] chars, int i) {
    return chars != null ? chars[i] : s.charAt(i);
  }

  private static final int MAX_FAST_DIGITS = 18;
  private static final long[] LONG_POW10 = new long[SCALE + 1];
  private static final long[] LONG_SAFE = new long[SCALE + 1];
  private static final BigInteger[] BIG_POW10 = new BigInteger[SCALE + 1];

  static {
    long p = 1;
    for (int k = 0; k <= SCALE; k++) {
      LONG_POW10[k] = p;
      LONG_SAFE[k] = Long.MAX_VALUE / p;
      BIG_POW10[k] = BigInteger.valueOf(p);
      p *= 10;
    }
  }

  /**
   * Brings a value to scale 18 without rounding.
   *
   * @throws ArithmeticException if rounding would be needed
   * @throws IllegalArgumentException if it needs more than 38 digits at scale 18
   */
  public static BigDecimal of(BigDecimal value) {
    BigDecimal scaled;
    try {
      scaled = value.setScale(SCALE, RoundingMode.UNNECESSARY);
    } catch (ArithmeticException e) {
      throw new ArithmeticException(
          "'" + value.toPlainString() + "' has more than " + SCALE + " fractional digits");
    }
    // More than 38 digits at scale 18 is a magnitude of at least 10^20: two comparisons at equal
    // scale, where counting the digits of a BigInteger-backed value took a tenth of a candle update.
    if (scaled.compareTo(TOO_LARGE) >= 0 || scaled.compareTo(TOO_SMALL) <= 0) {
      throw new IllegalArgumentException(
          "'" + value.toPlainString() + "' exceeds decimal(" + PRECISION + "," + SCALE + ")");
    }
    return scaled;
  }

  /** The shortest plain string of a value: no exponent, no trailing zeros, {@code "0"} for zero. */
  public static String toPlain(BigDecimal value) {
    if (value.signum() == 0) {
      return "0";
    }
    return value.stripTrailingZeros().toPlainString();
  }
}
