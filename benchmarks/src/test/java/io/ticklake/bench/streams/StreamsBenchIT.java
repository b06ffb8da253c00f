package io.ticklake.bench.streams;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A smoke run of {@link StreamsBench} on a tiny backlog: every phase runs to the end and reports
 * sane figures. No timing is asserted; the figures come from the documented command.
 */
@Tag("integration")
class StreamsBenchIT {

  @Test
  void everyPhaseRunsAndReportsSaneFigures() throws Exception {
    StreamsBench.Result r = StreamsBench.measure(6_000, 8, 2); // 8 s: windows after the warm-up (a third) from several partitions
    assertThat(r.records()).isEqualTo(6_000);
    assertThat(r.rounds()).isEqualTo(2);
    for (double[] side : new double[][] {r.passThroughEos(), r.fullEos(), r.fullAlos()}) {
      assertThat(side).hasSize(2);
      for (double rate : side) {
        assertThat(rate).isPositive().isFinite();
      }
    }
    assertThat(r.latencyRate()).isPositive();
    assertThat(r.latencySamples()).isPositive();
    assertThat(r.latencyP99Ms()).isGreaterThanOrEqualTo(r.latencyP50Ms()).isPositive();
    assertThat(r.e2eP99Ms()).isGreaterThanOrEqualTo(r.e2eP50Ms()).isGreaterThanOrEqualTo(0);
    assertThat(r.commitIntervalMs()).isPositive();
  }
}
