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

  /**
   * A play that starts at loop k is loop k of a play from the start, frame for frame, and the
   * recorded snapshot shifted to loop k is bridged by the same diff as in loop 0.
   */
  @Test
  void aPlayStartingAtALaterLoopIsThatLoopOfAPlayFromTheStartAndItsSnapshotFits() throws Exception {
    BinanceUsdmCaptureLoop fromStart = new BinanceUsdmCaptureLoop(CAPTURE, null, Duration.ofSeconds(60));
    BinanceUsdmCaptureLoop fromFourth = new BinanceUsdmCaptureLoop(CAPTURE, null, Duration.ofSeconds(10), 4);
    for (int i = 0; i < CAPTURE.size(); i += 5) {
      assertThat(fromFourth.get(i)).isEqualTo(fromStart.get(4 * CAPTURE.size() + i));
    }
    String snapshot = CaptureFile.lastLineOfResource("/captures/binance-usdm/btcusdt-20240808.snapshots.jsonl");
    long recorded = Long.parseLong(snapshot.replaceAll(".*\"lastUpdateId\":(\\d+).*", "$1"));
    long shifted = Long.parseLong(fromStart.snapshotAt("BTCUSDT", snapshot, 4).replaceAll(".*\"lastUpdateId\":(\\d+).*", "$1"));
    BinanceMessageParser parser = new BinanceMessageParser();
    int bridging0 = -1;
    int bridging4 = -1;
    for (int i = 0; i < CAPTURE.size(); i++) {
      if (parser.parse(CAPTURE.get(i).frame(), Instant.EPOCH).record() instanceof BookDelta d
          && d.getFirstUpdateId() <= recorded && recorded <= d.getFinalUpdateId() && bridging0 < 0) {
        bridging0 = i;
      }
      if (parser.parse(fromFourth.get(i).frame(), Instant.EPOCH).record() instanceof BookDelta d
          && d.getFirstUpdateId() <= shifted && shifted <= d.getFinalUpdateId() && bridging4 < 0) {
        bridging4 = i;
      }
    }
    assertThat(bridging0).isNotNegative();
    assertThat(bridging4).isEqualTo(bridging0);
  }

  /** A capture with klines loops by whole kline intervals, so every looped kline opens on its grid. */
  @Test
  void aCaptureWithKlinesLoopsByWholeIntervals() throws Exception {
    List<CaptureFile.Entry> four = CaptureFile.readResource("/captures/binance-usdm/four-symbols-20210722.jsonl");
    List<CaptureFile.Entry> timed = new java.util.ArrayList<>();
    Instant t = Instant.parse("2021-07-22T22:25:41Z");
    for (CaptureFile.Entry e : four) {
      timed.add(new CaptureFile.Entry(t, e.frame()));
      t = t.plusMillis(20);
    }
    long span = BinanceUsdmCaptureLoop.loopSpanMillis(timed);
    assertThat(span).isEqualTo(60_000);
    BinanceUsdmCaptureLoop loop = new BinanceUsdmCaptureLoop(timed, null, Duration.ofMinutes(3));
    BinanceMessageParser parser = new BinanceMessageParser();
    int klines = 0;
    for (CaptureFile.Entry e : loop) {
      for (var r : parser.parse(e.frame(), Instant.EPOCH).records()) {
        if (r instanceof io.ticklake.schema.v1.Candle c) {
          assertThat(c.getOpenTime().toEpochMilli() % 60_000).isZero();
          klines++;
        }
      }
    }
    assertThat(klines).isEqualTo(3 * 67);
  }
}
