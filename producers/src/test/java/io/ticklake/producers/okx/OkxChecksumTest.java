package io.ticklake.producers.okx;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.schema.serde.Decimals;
import java.math.BigDecimal;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Values written as OKX writes them, read off the digits at scale 18: the same text as BigDecimal's own. */
class OkxChecksumTest {
  @Test
  void plainTextEqualsBigDecimalsOwnForValuesOfEveryMagnitude() {
    Random random = new Random(7);
    for (int i = 0; i < 50_000; i++) {
      int scale = random.nextInt(19);
      long unscaled = random.nextInt(4) == 0 ? random.nextInt(1000) : Math.abs(random.nextLong() % 100_000_000_000_000L);
      BigDecimal v = Decimals.of(BigDecimal.valueOf(unscaled, scale));
      StringBuilder sb = new StringBuilder();
      OkxChecksum.plain(sb, v);
      String want = v.signum() == 0 ? "0" : v.stripTrailingZeros().toPlainString();
      assertThat(sb.toString()).as("%s", v).isEqualTo(want);
    }
  }
}
