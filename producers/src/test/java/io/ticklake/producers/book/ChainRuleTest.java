package io.ticklake.producers.book;

import static io.ticklake.producers.book.ChainRule.Verdict.APPLY;
import static io.ticklake.producers.book.ChainRule.Verdict.BREAK;
import static io.ticklake.producers.book.ChainRule.Verdict.STALE;
import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.schema.v1.BookDelta;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChainRuleTest {

  /** A diff with the venue's ids: first (U), fin (u / seqId), prev (pu / prevSeqId). */
  private static BookDelta d(Long first, long fin, Long prev) {
    Instant t = Instant.parse("2024-08-08T23:55:00Z");
    return BookDelta.newBuilder()
        .setVenue("v").setSymbol("S").setSnapshot(false)
        .setFirstUpdateId(first).setFinalUpdateId(fin).setPrevFinalUpdateId(prev)
        .setBids(List.of()).setAsks(List.of())
        .setEventTime(t).setReceiveTime(t)
        .build();
  }

  // --- Binance USD-M futures: pu == previous u; first: U <= lastUpdateId <= u ---

  @Test
  void prevPointerFirstDiffAfterTheSnapshot() {
    ChainRule rule = ChainRule.prevPointer();
    long lastUpdateId = 100;
    // Entirely older than the snapshot.
    assertThat(rule.first(lastUpdateId, d(90L, 95L, 89L))).isEqualTo(STALE);
    assertThat(rule.first(lastUpdateId, d(96L, 99L, 95L))).isEqualTo(STALE);
    // Straddles: U <= 100 <= u.
    assertThat(rule.first(lastUpdateId, d(98L, 103L, 97L))).isEqualTo(APPLY);
    assertThat(rule.first(lastUpdateId, d(100L, 104L, 99L))).isEqualTo(APPLY); // U == lastUpdateId
    assertThat(rule.first(lastUpdateId, d(95L, 100L, 94L))).isEqualTo(APPLY); // u == lastUpdateId
    assertThat(rule.first(lastUpdateId, d(100L, 100L, 99L))).isEqualTo(APPLY); // U == u == lastUpdateId
    // Starts after the snapshot: the bridging diff was missed.
    assertThat(rule.first(lastUpdateId, d(101L, 105L, 100L))).isEqualTo(BREAK);
    assertThat(rule.first(lastUpdateId, d(120L, 130L, 119L))).isEqualTo(BREAK);
    // No U: judged by u alone.
    assertThat(rule.first(lastUpdateId, d(null, 100L, null))).isEqualTo(APPLY);
    assertThat(rule.first(lastUpdateId, d(null, 99L, null))).isEqualTo(STALE);
  }

  @Test
  void prevPointerLaterDiffs() {
    ChainRule rule = ChainRule.prevPointer();
    long last = 110;
    assertThat(rule.next(last, d(111L, 115L, 110L))).isEqualTo(APPLY);
    // Futures diffs need not be contiguous: only pu counts.
    assertThat(rule.next(last, d(200L, 210L, 110L))).isEqualTo(APPLY);
    // A repeat (u == last) or older: already in the book.
    assertThat(rule.next(last, d(105L, 110L, 104L))).isEqualTo(STALE);
    assertThat(rule.next(last, d(100L, 108L, 99L))).isEqualTo(STALE);
    // pu does not point at the last u and u is newer: a diff was missed.
    assertThat(rule.next(last, d(112L, 120L, 111L))).isEqualTo(BREAK);
    assertThat(rule.next(last, d(109L, 120L, 108L))).isEqualTo(BREAK);
    assertThat(rule.next(last, d(111L, 120L, null))).isEqualTo(BREAK);
    assertThat(rule.describeBreak(last, d(109L, 120L, 108L))).isEqualTo("pu 108 != previous u 110");
    assertThat(rule.venueSequenced()).isTrue();
  }

  // --- Binance spot: U == previous u + 1; first: U <= lastUpdateId + 1 <= u ---

  @Test
  void contiguousFirstDiffAfterTheSnapshot() {
    ChainRule rule = ChainRule.contiguous();
    long lastUpdateId = 100;
    assertThat(rule.first(lastUpdateId, d(95L, 99L, null))).isEqualTo(STALE);
    assertThat(rule.first(lastUpdateId, d(95L, 100L, null))).isEqualTo(STALE); // u == lastUpdateId: covered
    assertThat(rule.first(lastUpdateId, d(101L, 105L, null))).isEqualTo(APPLY); // U == lastUpdateId + 1
    assertThat(rule.first(lastUpdateId, d(95L, 101L, null))).isEqualTo(APPLY); // straddles
    assertThat(rule.first(lastUpdateId, d(102L, 105L, null))).isEqualTo(BREAK); // 101 missed
    assertThat(rule.first(lastUpdateId, d(null, 105L, null))).isEqualTo(APPLY);
  }

  @Test
  void contiguousLaterDiffs() {
    ChainRule rule = ChainRule.contiguous();
    long last = 110;
    assertThat(rule.next(last, d(111L, 115L, null))).isEqualTo(APPLY);
    assertThat(rule.next(last, d(111L, 111L, null))).isEqualTo(APPLY);
    assertThat(rule.next(last, d(105L, 110L, null))).isEqualTo(STALE);
    assertThat(rule.next(last, d(100L, 109L, null))).isEqualTo(STALE);
    assertThat(rule.next(last, d(112L, 115L, null))).isEqualTo(BREAK); // 111 missed
    assertThat(rule.next(last, d(109L, 115L, null))).isEqualTo(BREAK); // overlaps: not U == u + 1
    assertThat(rule.next(last, d(null, 115L, null))).isEqualTo(BREAK);
    assertThat(rule.describeBreak(last, d(112L, 115L, null))).isEqualTo("U 112 != previous u + 1 = 111");
    assertThat(rule.venueSequenced()).isTrue();
  }

  // --- OKX: prevSeqId == previous seqId ---

  @Test
  void prevSeqIdChainsOnThePreviousSeqId() {
    ChainRule rule = ChainRule.prevSeqId();
    long snapshotSeqId = 100;
    // The first update after the snapshot points at the snapshot's seqId.
    assertThat(rule.first(snapshotSeqId, d(null, 105L, 100L))).isEqualTo(APPLY);
    assertThat(rule.first(snapshotSeqId, d(null, 100L, 95L))).isEqualTo(STALE);
    assertThat(rule.first(snapshotSeqId, d(null, 110L, 105L))).isEqualTo(BREAK);
    // Later updates.
    assertThat(rule.next(105, d(null, 107L, 105L))).isEqualTo(APPLY);
    assertThat(rule.next(105, d(null, 105L, 100L))).isEqualTo(STALE); // a repeat
    assertThat(rule.next(105, d(null, 112L, 107L))).isEqualTo(BREAK);
    assertThat(rule.next(105, d(null, 112L, null))).isEqualTo(BREAK);
    assertThat(rule.describeBreak(105, d(null, 112L, 107L))).isEqualTo("prevSeqId 107 != previous seqId 105");
    assertThat(rule.venueSequenced()).isTrue();
  }

  @Test
  void prevSeqIdAppliesTheNoChangeUpdate() {
    ChainRule rule = ChainRule.prevSeqId();
    // OKX's heartbeat-like update: seqId == prevSeqId == the book's seqId, nothing changed.
    assertThat(rule.next(105, d(null, 105L, 105L))).isEqualTo(APPLY);
    assertThat(rule.first(100, d(null, 100L, 100L))).isEqualTo(APPLY);
    // After it the book is still at 105, and the next real update chains on 105.
    assertThat(rule.next(105, d(null, 106L, 105L))).isEqualTo(APPLY);
  }

  @Test
  void unsequencedAppliesEverything() {
    ChainRule rule = ChainRule.unsequenced();
    assertThat(rule.venueSequenced()).isFalse();
    assertThat(rule.first(-1, d(null, 0L, null))).isEqualTo(APPLY);
    assertThat(rule.first(500, d(1L, 2L, 3L))).isEqualTo(APPLY);
    assertThat(rule.next(500, d(null, 0L, null))).isEqualTo(APPLY);
    assertThat(rule.next(500, d(null, 500L, null))).isEqualTo(APPLY);
    assertThat(rule.describeBreak(500, d(null, 0L, null))).isEqualTo("no sequence");
  }
}
