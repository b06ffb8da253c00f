package io.ticklake.producers.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CaptureFileTest {
  @Test
  void readsTimedAndBareLines() throws Exception {
    String text = "1723161255.030314667: {\"a\":1}\n\n{\"b\":2}\n";
    List<CaptureFile.Entry> entries = CaptureFile.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    assertThat(entries).containsExactly(
        new CaptureFile.Entry(Instant.ofEpochSecond(1723161255L, 30314667L), "{\"a\":1}"),
        new CaptureFile.Entry(null, "{\"b\":2}"));
    assertThat(CaptureFile.format(Instant.ofEpochSecond(1723161255L, 30314667L), "{\"a\":1}"))
        .isEqualTo("1723161255.030314667: {\"a\":1}");
    assertThatThrownBy(() -> CaptureFile.parseLine("garbage", 3)).hasMessageContaining("line 3");
  }

  @Test
  void shippedCaptureReads() {
    assertThat(CaptureFile.readResource("/captures/binance-usdm/btcusdt-20240808.capture")).hasSize(3291);
  }
}
