package io.ticklake.producers.kraken;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.schema.serde.Decimals;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Kraken's digits of a value at its pair's decimals, read off the digits at scale 18: the same as scaling it. */
class KrakenChecksumTest {
  @Test
  void digitsEqualTheUnscaledValueAtThePairsDecimals() {
    Random random = new Random(11);
    for (int i = 0; i < 50_000; i++) {
      int scale = random.nextInt(19);
      long unscaled = 1 + Math.abs(random.nextLong() % 100_000_000_000_000L);
      BigDecimal v = Decimals.of(BigDecimal.valueOf(unscaled, scale));
      int decimals = random.nextInt(11);
      StringBuilder sb = new StringBuilder();
      KrakenChecksum.digits(sb, v, decimals);
      assertThat(sb.toString()).as("%s at %d decimals", v, decimals)
          .isEqualTo(v.setScale(decimals, RoundingMode.DOWN).unscaledValue().toString());
    }
  }
}
