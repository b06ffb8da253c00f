package io.ticklake.bench.producer;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.producers.binance.BinanceMessageParser;
import io.ticklake.producers.sim.CaptureFile;
import io.ticklake.schema.serde.AvroWireSerializer;
import io.ticklake.schema.serde.InMemorySchemaRegistryClient;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/** The decode benchmark compares like with like: both sides write the same bytes for every frame. */
class DecodeBenchmarkTest {

  @Test
  void bothSidesWriteTheSameWireBytesForEveryFrameOfTheCapture() throws Exception {
    List<CaptureFile.Entry> frames = ProducerFrames.capture();
    assertThat(frames).hasSize(3291);
    AvroWireSerializer<SpecificRecord> serializer =
        new AvroWireSerializer<>(new InMemorySchemaRegistryClient(), Map.of("schema.registry.url", "unused"), false);
    BinanceMessageParser parser = new BinanceMessageParser();
    JacksonDatabindDecoder baseline = new JacksonDatabindDecoder(BinanceMessageParser.VENUE);
    for (CaptureFile.Entry e : frames) {
      byte[] ours = DecodeBenchmark.ticklake(parser, serializer, e.frame(), e.receiveTime());
      byte[] theirs = DecodeBenchmark.baseline(baseline, serializer, e.frame(), e.receiveTime());
      assertThat(ours).as(e.frame()).isEqualTo(theirs);
      assertThat(ours[0]).isZero(); // Confluent magic byte
    }
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
