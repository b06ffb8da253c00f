package io.ticklake.producers.kraken;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.producers.sim.CaptureFile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Kraken simulator's feed, as a client reads it. */
class KrakenSimProfileTest {

  private static KrakenSimProfile profile(List<CaptureFile.Entry> frames) {
    KrakenSimulation simulation = new KrakenSimulation();
    simulation.scan(frames);
    return (KrakenSimProfile) simulation.profile(java.util.Map.of());
  }

  @Test
  void aLoopedCaptureKeepsEveryChecksumValid() throws Exception {
    List<CaptureFile.Entry> frames =
        new KrakenCaptureLoop(CaptureFile.readResource(KrakenSimulation.DEMO_CAPTURE), Duration.ofMinutes(1), 0);
    KrakenSimProfile profile = profile(frames);
    List<String> rendered = new ArrayList<>();
    for (CaptureFile.Entry e : frames) {
      rendered.add(profile.render(e.frame()));
      profile.played(e.frame());
    }
    assertThat(rendered).noneMatch(f -> f.contains("\"checksum\":" + KrakenSimProfile.CHECKSUM_DUE));
    KrakenPairs pairs = new KrakenPairs();
    pairs.reference("BTC/USD", 1, 8);
    KrakenBookReplayTest.Replay r = KrakenBookReplayTest.replay(rendered, KrakenProtocol.V2, pairs);
    assertThat(r.updates).isGreaterThan(218 * 4);
    assertThat(r.failed()).isZero();
    assertThat(r.verified()).isEqualTo(r.updates + 1);
  }
}
