package io.ticklake.schema.serde;

import java.math.BigDecimal;
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
    BigDecimal parsed;
    try {
      parsed = new BigDecimal(venueDecimal.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a decimal: '" + venueDecimal + "'", e);
    }
    return of(parsed);
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
    if (scaled.precision() > PRECISION) {
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
