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
    StreamsBench.Result r = StreamsBench.measure(6_000, 5);
    assertThat(r.records()).isEqualTo(6_000);
    assertThat(r.passThroughEos()).isPositive().isFinite();
    assertThat(r.fullEos()).isPositive().isFinite();
    assertThat(r.fullAlos()).isPositive().isFinite();
    assertThat(r.latencySamples()).isPositive();
    assertThat(r.latencyP99Ms()).isGreaterThanOrEqualTo(r.latencyP50Ms()).isPositive();
    assertThat(r.e2eP99Ms()).isGreaterThanOrEqualTo(0);
  }
}
