package io.ticklake.producers.binance;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.producers.core.ParsedFrame;
import io.ticklake.producers.sim.CaptureFile;
import io.ticklake.schema.v1.BookDelta;
import io.ticklake.schema.v1.Trade;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BinanceUsdmCaptureLoopTest {
  private static final List<CaptureFile.Entry> CAPTURE =
      CaptureFile.readResource("/captures/binance-usdm/btcusdt-20240808.capture");

  @Test
  void loopsForEverySymbolWithUnbrokenChainsAndGrowingIdsAndTimes() throws Exception {
    List<String> symbols = List.of("BTCUSDT", "ETHUSDT", "SOLUSDT");
    BinanceUsdmCaptureLoop loop = new BinanceUsdmCaptureLoop(CAPTURE, symbols, Duration.ofSeconds(30));
    assertThat(loop.loops()).isEqualTo(3); // the capture spans about 12.4 s
    assertThat(loop.size()).isEqualTo(3 * 3 * CAPTURE.size());
    assertThat(loop.covers()).isGreaterThanOrEqualTo(Duration.ofSeconds(30));

    BinanceMessageParser parser = new BinanceMessageParser();
    Map<String, Long> lastU = new HashMap<>();
    Map<String, Long> lastTradeId = new HashMap<>();
    Map<String, Integer> diffs = new HashMap<>();
    Instant lastReceive = Instant.MIN;
    for (CaptureFile.Entry e : loop) {
      ParsedFrame f = parser.parse(e.frame(), e.receiveTime());
      assertThat(f.stream()).startsWith(f.symbol().toLowerCase() + "@");
      assertThat(e.receiveTime()).isAfterOrEqualTo(lastReceive);
      lastReceive = e.receiveTime();
      if (f.record() instanceof BookDelta d) {
        Long prev = lastU.put(f.symbol(), d.getFinalUpdateId());
        if (prev != null) {
          assertThat(d.getPrevFinalUpdateId()).as("pu chain of %s", f.symbol()).isEqualTo(prev);
        }
        diffs.merge(f.symbol(), 1, Integer::sum);
      } else if (f.record() instanceof Trade t) {
        long id = Long.parseLong(t.getTradeId());
        Long prev = lastTradeId.put(f.symbol(), id);
        if (prev != null) {
          assertThat(id).isGreaterThan(prev);
        }
      }
    }
    assertThat(diffs).containsOnlyKeys(symbols).allSatisfy((s, n) -> assertThat(n).isEqualTo(3 * 237));
  }

  @Test
  void theFirstLoopIsTheCaptureItself() {
    BinanceUsdmCaptureLoop loop = new BinanceUsdmCaptureLoop(CAPTURE, List.of("BTCUSDT"), Duration.ofMillis(1));
    assertThat(loop.loops()).isEqualTo(1);
    assertThat(loop).containsExactlyElementsOf(CAPTURE);
  }
}
