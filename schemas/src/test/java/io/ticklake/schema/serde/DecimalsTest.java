package io.ticklake.schema.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class DecimalsTest {

  @Test
  void parsesVenueStringsExactlyAtScale18() {
    assertThat(Decimals.of("0.00100000")).isEqualByComparingTo("0.001").hasToString("0.001000000000000000");
    assertThat(Decimals.of("67123.45").scale()).isEqualTo(18);
    assertThat(Decimals.of("-1E-8")).isEqualByComparingTo("-0.00000001");
    assertThat(Decimals.of(" 42 ").toPlainString()).isEqualTo("42.000000000000000000");
    assertThat(Decimals.of("0.123456789012345678000")).isEqualByComparingTo("0.123456789012345678");
  }

  @Test
  void plainVenueStringsGiveWhatTheGeneralPathGives() {
    String[] samples = {
      "61800.20", "0.014", "0.000", "0", "-5.50", "-0.0", "123456789012345678", "0.123456789012345678",
      "999999999999999999", "9223372036854775807", "0.000000000000000001", "18446744073.709551615", "007.10"
    };
    for (String s : samples) {
      BigDecimal expected = new BigDecimal(s).setScale(Decimals.SCALE);
      assertThat(Decimals.of(s)).as(s).isEqualTo(expected);
      char[] padded = ("[\"" + s + "\"]").toCharArray();
      assertThat(Decimals.of(padded, 2, s.length())).as(s).isEqualTo(expected);
    }
    assertThat(Decimals.of("1.".toCharArray(), 0, 2)).isEqualByComparingTo("1");
    assertThatThrownBy(() -> Decimals.of("12,5".toCharArray(), 0, 4)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Decimals.of(".".toCharArray(), 0, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Decimals.of("-".toCharArray(), 0, 1)).isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * Large values are handed out again from a table: the same digits with another fraction length
   * ("61800.2", "618002"), values that share a slot, and repeats must each still give their own value.
   */
  @Test
  void repeatedLargeValuesAreStillExact() {
    java.util.Random random = new java.util.Random(11);
    java.util.List<String> texts = new java.util.ArrayList<>();
    for (int i = 0; i < 50_000; i++) {
      String digits = Long.toString(10 + (random.nextLong() >>> (1 + random.nextInt(60))));
      int point = random.nextInt(digits.length());
      texts.add((random.nextBoolean() ? "-" : "") + digits.substring(0, digits.length() - point)
          + (point == 0 ? "" : "." + digits.substring(digits.length() - point)));
    }
    for (int pass = 0; pass < 2; pass++) {
      for (String text : texts) {
        assertThat(Decimals.of(text)).as(text).isEqualTo(new BigDecimal(text).setScale(18));
      }
    }
    assertThat(Decimals.of("61800.2")).isEqualTo(new BigDecimal("61800.2").setScale(18));
    assertThat(Decimals.of("618002")).isEqualTo(new BigDecimal("618002").setScale(18));
    assertThat(Decimals.of("61800.2")).isEqualTo(new BigDecimal("61800.2").setScale(18));
  }

  @Test
  void refusesToRound() {
    assertThatThrownBy(() -> Decimals.of("0.1234567890123456789"))
        .isInstanceOf(ArithmeticException.class)
        .hasMessageContaining("18 fractional digits");
  }

  @Test
  void refusesMoreThanPrecision38() {
    assertThat(Decimals.of("99999999999999999999")).hasToString("99999999999999999999.000000000000000000");
    assertThatThrownBy(() -> Decimals.of("100000000000000000000"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("decimal(38,18)");
    assertThat(Decimals.of(new java.math.BigDecimal("-99999999999999999999.999999999999999999")).precision()).isEqualTo(38);
    assertThatThrownBy(() -> Decimals.of(new java.math.BigDecimal("-100000000000000000000")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("decimal(38,18)");
  }

  @Test
  void refusesNonNumbers() {
    assertThatThrownBy(() -> Decimals.of("12,5")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Decimals.of((String) null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Decimals.of("NaN")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void printsPlainWithoutTrailingZeros() {
    assertThat(Decimals.toPlain(Decimals.of("0.00100000"))).isEqualTo("0.001");
    assertThat(Decimals.toPlain(Decimals.of("1E+3"))).isEqualTo("1000");
    assertThat(Decimals.toPlain(Decimals.of("0"))).isEqualTo("0");
    assertThat(Decimals.toPlain(new BigDecimal("0E-18"))).isEqualTo("0");
    assertThat(Decimals.toPlain(Decimals.of("-5.50"))).isEqualTo("-5.5");
  }
}
