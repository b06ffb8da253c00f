package io.ticklake.streams.features;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegimeLabelerTest {

  @Test
  void sessionsByUtcHourNotLocalTime() {
    assertThat(RegimeLabeler.session(Instant.parse("2024-05-01T02:00:00Z"))).isEqualTo("TOKYO");
    assertThat(RegimeLabeler.session(Instant.parse("2024-05-01T07:00:00Z"))).isEqualTo("LONDON");
    assertThat(RegimeLabeler.session(Instant.parse("2024-05-01T12:59:59Z"))).isEqualTo("LONDON");
    assertThat(RegimeLabeler.session(Instant.parse("2024-05-01T13:00:00Z"))).isEqualTo("NEW_YORK");
    assertThat(RegimeLabeler.session(Instant.parse("2024-05-01T21:00:00Z"))).isEqualTo("TOKYO");
  }

  @Test
  void fourRegimes() {
    RegimeLabeler labeler = new RegimeLabeler(120, 1.0, 60);
    Deque<Double> rv = new ArrayDeque<>();
    List<RegimeLabeler.Minute> minutes = new ArrayList<>();
    // Calm, quiet minutes build a low median.
    for (int i = 0; i < 5; i++) {
      minutes.add(new RegimeLabeler.Minute(i * 60_000L, 10, 100));
      trim(minutes, labeler);
      assertThat(labeler.label(minutes, rv).regime()).isEqualTo("Q_L");
    }
    // Quiet but a jump in price: high volatility.
    minutes.add(new RegimeLabeler.Minute(5 * 60_000L, 10, 105));
    trim(minutes, labeler);
    assertThat(labeler.label(minutes, rv).regime()).isEqualTo("Q_H");
    // 240 trades in the last two minutes = 2 per second: active, and still volatile.
    minutes.add(new RegimeLabeler.Minute(6 * 60_000L, 230, 100));
    trim(minutes, labeler);
    RegimeLabeler.Labels l = labeler.label(minutes, rv);
    assertThat(l.tradesPerSecond()).isEqualTo(2.0);
    assertThat(l.regime()).isEqualTo("A_H");
    // Active but flat.
    minutes.add(new RegimeLabeler.Minute(7 * 60_000L, 200, 100));
    minutes.add(new RegimeLabeler.Minute(8 * 60_000L, 200, 100));
    trim(minutes, labeler);
    labeler.label(minutes.subList(0, minutes.size() - 1), rv);
    assertThat(labeler.label(minutes, rv).regime()).isEqualTo("A_L");
  }

  private static void trim(List<RegimeLabeler.Minute> minutes, RegimeLabeler labeler) {
    while (minutes.size() > labeler.windowMinutes() + 1) {
      minutes.remove(0);
    }
  }
}
