package io.ticklake.bench.producer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Smoke runs of the producer harnesses on real parts, small enough for CI. They check that each
 * harness measured what it says (counts, samples), never how fast: figures come from benchmarks/run.
 */
@Tag("integration")
class ProducerHarnessesIT {
  @TempDir Path work;

  @Test
  void decodeRunnerMeasuresBothSides() throws Exception {
    DecodeRunner.Report r = DecodeRunner.run("binance-usdm", 1, 1, 1, 1);
    assertThat(r.rounds()).hasSize(1);
    DecodeRunner.Round round = r.rounds().get(0);
    assertThat(round.ticklake().nsPerFrame()).isPositive();
    assertThat(round.baseline().nsPerFrame()).isPositive();
    // Every frame allocates at least its record and its output bytes.
    assertThat(round.ticklake().bytesPerFrame()).isGreaterThan(100);
    assertThat(round.baseline().bytesPerFrame()).isGreaterThan(100);
  }

  @Test
  void ingestCountsEveryRecordOfBothSides() throws Exception {
    IngestHarness.Report r = IngestHarness.run("binance-usdm", 3291, 1, work);
    IngestHarness.Round round = r.rounds().get(0);
    // One raw record per frame, plus 491 trades and 2,563 quotes, plus the synced book diffs.
    assertThat(round.records()).isGreaterThan(3291 + 491 + 2563);
    assertThat(round.perfRecords()).isEqualTo(round.records());
    assertThat(round.recordSize()).isBetween(50, 2000);
    assertThat(round.recordsPerSec()).isPositive();
    assertThat(round.perfRecordsPerSec()).isPositive();
  }

  @Test
  void ingestOfCoinbaseCountsEveryRecord() throws Exception {
    IngestHarness.Report r = IngestHarness.run("coinbase", 3630, 1, work);
    IngestHarness.Round round = r.rounds().get(0);
    // One raw record per frame, plus the 34 trades, the 10 snapshots and the 3,549 book updates,
    // plus a quote each time a book's best bid or ask moves.
    assertThat(round.records()).isGreaterThan(3630 + 34 + 10 + 3549);
    assertThat(round.perfRecords()).isEqualTo(round.records());
    assertThat(round.recordsPerSec()).isPositive();
  }

  @Test
  void memoryHarnessReplaysEveryFrameForSixSymbolsAndSamplesTheHeap() throws Exception {
    MemoryHarness.Report r = MemoryHarness.run(Duration.ofSeconds(25), Duration.ofSeconds(1), "256m", work);
    assertThat(r.symbols()).isEqualTo(6);
    assertThat(r.framesSent()).isEqualTo(3L * 6 * 3291); // the 12.4 s capture looped 3 times, per symbol
    assertThat(r.rawRecords()).isEqualTo(r.framesSent());
    assertThat(r.fullGcs()).hasSizeGreaterThanOrEqualTo(3);
    assertThat(r.peakUsedMb()).isPositive().isLessThan(256);
  }
}
