package io.ticklake.bench.producer;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.producers.core.FrameParser;
import io.ticklake.producers.sim.CaptureFile;
import io.ticklake.schema.serde.AvroWireSerializer;
import io.ticklake.schema.serde.InMemorySchemaRegistryClient;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The decode benchmark compares like with like: both sides write the same bytes for every frame. */
class DecodeBenchmarkTest {

  @ParameterizedTest
  @CsvSource({"binance-usdm, 3291, 3291", "coinbase, 3630, 3593"})
  void bothSidesWriteTheSameWireBytesForEveryFrameOfTheCapture(String venue, int frameCount, int recordCount) throws Exception {
    List<CaptureFile.Entry> frames = ProducerFrames.capture(venue);
    assertThat(frames).hasSize(frameCount);
    AvroWireSerializer<SpecificRecord> serializer =
        new AvroWireSerializer<>(new InMemorySchemaRegistryClient(), Map.of("schema.registry.url", "unused"), false);
    FrameParser parser = ProducerFrames.parser(venue);
    BaselineDecoder baseline = ProducerFrames.baseline(venue);
    int records = 0;
    for (CaptureFile.Entry e : frames) {
      List<byte[]> ours = DecodeBenchmark.ticklake(parser, serializer, e.frame(), e.receiveTime());
      List<byte[]> theirs = DecodeBenchmark.baseline(baseline, serializer, e.frame(), e.receiveTime());
      assertThat(ours).as(e.frame()).hasSameSizeAs(theirs);
      for (int i = 0; i < ours.size(); i++) {
        assertThat(ours.get(i)).as(e.frame()).isEqualTo(theirs.get(i));
        assertThat(ours.get(i)[0]).isZero(); // Confluent magic byte
      }
      records += ours.size();
    }
    // Every trade and book frame made a record (Coinbase: heartbeats, tickers and subscription answers make none).
    assertThat(records).isEqualTo(recordCount);
  }

  @Test
  void harnessStatisticsAreRight() {
    assertThat(Stats.median(new double[] {3, 1, 2})).isEqualTo(2);
    assertThat(Stats.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
    assertThat(Stats.slope(new double[] {0, 1, 2, 3}, new double[] {10, 12, 14, 16})).isEqualTo(2);
    assertThat(Stats.slope(new double[] {0, 1, 2}, new double[] {5, 5, 5})).isZero();
  }

  @Test
  void readsHeapFiguresFromTheGcLog() {
    List<MemoryHarness.Pause> pauses = MemoryHarness.parse(List.of(
        "[3.310s] GC(4) Pause Young (Normal) (G1 Evacuation Pause) 24M->5M(256M) 3.456ms",
        "[7.912s] GC(9) Pause Full (System.gc()) 45M->12M(256M) 23.456ms",
        "[8.000s] GC(10) Concurrent Mark Cycle",
        "[9.100s] GC(11) Pause Full (System.gc()) 1G->900K(1G) 20.1ms"));
    assertThat(pauses).containsExactly(
        new MemoryHarness.Pause(3.31, "Pause Young", 24, 5),
        new MemoryHarness.Pause(7.912, "Pause Full", 45, 12),
        new MemoryHarness.Pause(9.1, "Pause Full", 1024, 900.0 / 1024));
  }

  @Test
  void readsProducerPerformanceRates() {
    assertThat(IngestHarness.perfRate(List.of(
        "50000 records sent, 24000.1 records/sec (5.1 MB/sec), 80.0 ms avg latency, 300.0 ms max latency.",
        "40000 steady state records sent, 25123.4 records/sec (5.3 MB/sec), 70.0 ms avg latency, 200.0 ms max latency.")))
        .isEqualTo(25123.4);
  }
}
