package io.ticklake.ops.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.schema.v1.BackfillStatus;
import io.ticklake.schema.v1.GapEvent;
import io.ticklake.schema.v1.GapKind;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The status page shows each gap once, with its latest status. */
class LatestGapsTest {
  private static GapEvent gap(String id, String detected, BackfillStatus status) {
    return GapEvent.newBuilder()
        .setGapId(id)
        .setVenue("coinbase")
        .setSymbol("SKL-USD")
        .setKind(GapKind.TRADE_ID)
        .setStream("matches")
        .setDetectedTime(Instant.parse(detected))
        .setCause("trade id jump")
        .setBackfillStatus(status)
        .build();
  }

  @Test
  void aGapWrittenAgainWithItsBackfillResultReplacesItself() {
    List<GapEvent> known = List.of(gap("a", "2026-12-07T05:00:00Z", BackfillStatus.PENDING));
    List<GapEvent> arrived = List.of(
        gap("b", "2026-12-07T05:01:00Z", BackfillStatus.PENDING),
        gap("a", "2026-12-07T05:00:00Z", BackfillStatus.FILLED),
        gap("b", "2026-12-07T05:01:00Z", BackfillStatus.UNFILLABLE),
        gap("c", "2026-12-07T05:02:00Z", BackfillStatus.PENDING));

    List<GapEvent> shown = OpsMonitor.latestPerGap(known, arrived, 10);

    assertThat(shown).extracting(g -> g.getGapId() + " " + g.getBackfillStatus())
        .containsExactly("c PENDING", "b UNFILLABLE", "a FILLED");
    assertThat(OpsMonitor.latestPerGap(known, arrived, 2)).extracting(GapEvent::getGapId).containsExactly("c", "b");
  }
}
