package io.ticklake.producers.coinbase;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.producers.core.ParsedFrame;
import io.ticklake.producers.sim.CaptureFile;
import io.ticklake.schema.v1.Trade;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CoinbaseCaptureLoopTest {
  private static final List<CaptureFile.Entry> CAPTURE = CoinbaseMessageParserTest.CAPTURE;

  @Test
  void theFirstLoopIsTheCaptureItself() {
    CoinbaseCaptureLoop loop = new CoinbaseCaptureLoop(CAPTURE, Duration.ofMillis(1));
    assertThat(loop).containsExactlyElementsOf(CAPTURE);
  }

  /**
   * Later loops continue the venue: each product's trade ids follow on without a hole or a repeat,
   * times move forward, and the answers to the recorder's subscription (snapshots, last matches,
   * subscriptions) are not played again.
   */
  @Test
  void laterLoopsContinueIdsAndTimesAndPlayNoSubscriptionAnswers() throws Exception {
    CoinbaseCaptureLoop loop = new CoinbaseCaptureLoop(CAPTURE, Duration.ofSeconds(40));
    int repeated = (int) CAPTURE.stream().filter(e -> !e.frame().matches(".*\"type\":\"(snapshot|last_match|subscriptions)\".*")).count();
    assertThat(repeated).isEqualTo(3630 - 23);
    assertThat(loop.size()).isEqualTo(CAPTURE.size() + 3 * repeated); // 11.5 s of capture, 40 s covered: four loops
    CoinbaseMessageParser parser = new CoinbaseMessageParser("coinbase");
    Map<String, Long> lastId = new HashMap<>();
    Instant lastReceive = Instant.MIN;
    Instant lastMatchTime = Instant.EPOCH;
    int snapshots = 0;
    for (int i = 0; i < loop.size(); i++) {
      CaptureFile.Entry e = loop.get(i);
      assertThat(e.receiveTime()).isAfterOrEqualTo(lastReceive);
      lastReceive = e.receiveTime();
      if (e.frame().contains("\"type\":\"snapshot\"")) {
        snapshots++;
      }
      ParsedFrame f = parser.parse(e.frame(), e.receiveTime());
      for (var r : f.records()) {
        if (r instanceof Trade t) {
          long id = Long.parseLong(t.getTradeId());
          Long prev = lastId.put(t.getSymbol(), id);
          if (prev != null) {
            assertThat(id).as("%s trade ids at frame %d", t.getSymbol(), i).isEqualTo(prev + 1);
          }
          if (e.frame().contains("\"type\":\"match\"")) {
            assertThat(t.getEventTime()).isAfterOrEqualTo(lastMatchTime.minusSeconds(1));
            lastMatchTime = t.getEventTime();
          }
        }
      }
    }
    assertThat(snapshots).as("snapshots in loop 0 only").isEqualTo(10);
    assertThat(lastMatchTime).as("three loops later").isAfter(Instant.parse("2021-04-17T16:44:10Z"));
  }

  /**
   * A play that starts at loop k (the simulator's {@code --clock now}) is loop k of a play from the
   * start, frame for frame, the answers to the subscription included (shifted with it).
   */
  @Test
  void aPlayStartingAtALaterLoopIsThatLoopOfAPlayFromTheStart() {
    int repeated = (int) CAPTURE.stream().filter(e -> !e.frame().matches(".*\"type\":\"(snapshot|last_match|subscriptions)\".*")).count();
    CoinbaseCaptureLoop fromStart = new CoinbaseCaptureLoop(CAPTURE, Duration.ofSeconds(60));
    CoinbaseCaptureLoop fromThird = new CoinbaseCaptureLoop(CAPTURE, Duration.ofSeconds(20), 3);
    for (int j = 0; j < repeated; j += 7) {
      assertThat(fromThird.get(CAPTURE.size() + j)).isEqualTo(fromStart.get(CAPTURE.size() + 3 * repeated + j));
    }
    // A product that only ever traded before the recording keeps its last trade's id in every loop.
    String lastMatch = CAPTURE.stream().map(CaptureFile.Entry::frame)
        .filter(f -> f.contains("\"last_match\"") && f.contains("\"BAND-GBP\"")).findFirst().orElseThrow();
    String shifted = fromThird.stream().map(CaptureFile.Entry::frame)
        .filter(f -> f.contains("\"last_match\"") && f.contains("\"BAND-GBP\"")).findFirst().orElseThrow();
    assertThat(shifted.replaceAll(".*\"trade_id\":(\\d+).*", "$1")).isEqualTo(lastMatch.replaceAll(".*\"trade_id\":(\\d+).*", "$1"));
    assertThat(shifted).isNotEqualTo(lastMatch); // its time moved on
  }

  @Test
  void timesKeepTheirRecordedPrecision() {
    assertThat(CoinbaseCaptureLoop.format(Instant.parse("2021-04-17T16:43:50.673420Z"), 6)).isEqualTo("2021-04-17T16:43:50.673420Z");
    assertThat(CoinbaseCaptureLoop.format(Instant.parse("2021-04-17T16:44:00Z"), 6)).isEqualTo("2021-04-17T16:44:00.000000Z");
    assertThat(CoinbaseCaptureLoop.format(Instant.parse("2021-04-17T16:44:00.5Z"), 0)).isEqualTo("2021-04-17T16:44:00Z");
  }
}
