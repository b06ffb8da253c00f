package io.ticklake.producers.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/** A polled channel asks for exactly the periods closed since its last successful poll, however many. */
class RestPollerTest {
  private static final Duration MINUTE = Duration.ofMinutes(1);
  private static final Instant T = Instant.parse("2026-12-07T05:00:20Z");

  @Test
  void pollsReachBackAtStartRetryFailuresAndCatchUpWhenBehind() {
    AtomicReference<Instant> venueClock = new AtomicReference<>();
    List<String> asked = new CopyOnWriteArrayList<>();
    AtomicBoolean fail = new AtomicBoolean();
    RestPoller.PolledChannel candles = new RestPoller.PolledChannel("candles-1m", MINUTE, Duration.ofSeconds(3),
        MINUTE.multipliedBy(5), (from, to) -> {
          asked.add(from + ".." + to);
          return fail.get()
              ? CompletableFuture.failedFuture(new IllegalStateException("429"))
              : CompletableFuture.completedFuture(List.<SpecificRecord>of());
        });
    try (RestPoller poller = new RestPoller("test", List.of(candles), (c, r) -> { }, venueClock::get).start()) {
      // Nothing before the venue has said what time it is; then the first poll reaches back 5 periods.
      venueClock.set(T);
      await().until(() -> asked.size() == 1);
      assertThat(asked).containsExactly("2026-12-07T04:55:00Z..2026-12-07T05:00:00Z");

      // The next minute, 3 s after its end: a failed poll; the one after asks for both minutes.
      fail.set(true);
      venueClock.set(T.plusSeconds(45));
      await().until(() -> asked.size() == 2);
      fail.set(false);
      venueClock.set(T.plusSeconds(105));
      await().until(() -> asked.size() == 3);
      assertThat(asked.subList(1, 3)).containsExactly(
          "2026-12-07T05:00:00Z..2026-12-07T05:01:00Z", "2026-12-07T05:00:00Z..2026-12-07T05:02:00Z");

      // Behind by an hour (a pause): every period since, in one poll.
      venueClock.set(T.plusSeconds(3_700));
      await().until(() -> asked.size() == 4);
      assertThat(asked.get(3)).isEqualTo("2026-12-07T05:02:00Z..2026-12-07T06:01:00Z");
    }
  }
}
