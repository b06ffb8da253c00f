package io.ticklake.producers.ws;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void growsWithJitterUpToTheCapAndNeverStops() {
    Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5), new Random(42));
    for (int n = 0; n < 1000; n++) {
      long ceiling = Math.min(5_000, 100L << Math.min(n, 20));
      Duration d = b.next();
      assertThat(d.toMillis()).isBetween(ceiling / 2, ceiling);
    }
    b.reset();
    assertThat(b.next().toMillis()).isBetween(50L, 100L);
  }
}
