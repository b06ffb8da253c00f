package io.ticklake.streams.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecurringStringDeserializerTest {
  private final RecurringStringDeserializer de = new RecurringStringDeserializer();

  private String read(String s) {
    return de.deserialize("t", s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aKeyReadAgainIsTheSameString() {
    String first = read("binance-usdm:BTCUSDT");
    assertThat(read("binance-usdm:BTCUSDT")).isEqualTo("binance-usdm:BTCUSDT").isSameAs(first);
  }

  @Test
  void manyKeysSharingSlotsEachReadAsThemselves() {
    Map<String, String> seen = new HashMap<>();
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < 2_000; i++) {
        String key = "venue-" + (i % 7) + ":SYM" + i + "é";
        String got = read(key);
        assertThat(got).isEqualTo(key);
        seen.put(key, got);
      }
    }
    assertThat(seen).hasSize(2_000);
  }

  @Test
  void longValuesAndNullAreReadToo() {
    String longKey = "x".repeat(500);
    assertThat(read(longKey)).isEqualTo(longKey);
    assertThat(de.deserialize("t", null)).isNull();
    assertThat(read("")).isEmpty();
  }

  @Test
  void theCallersBytesMayChangeAfterwards() {
    byte[] bytes = "binance-usdm:ETHUSDT".getBytes(StandardCharsets.UTF_8);
    assertThat(de.deserialize("t", bytes)).isEqualTo("binance-usdm:ETHUSDT");
    bytes[0] = 'X';
    assertThat(read("binance-usdm:ETHUSDT")).isEqualTo("binance-usdm:ETHUSDT");
    assertThat(de.deserialize("t", bytes)).isEqualTo("Xinance-usdm:ETHUSDT");
  }
}
