package io.ticklake.producers;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.producers.binance.BinanceUsdmSimProfile;
import io.ticklake.producers.sim.CaptureFile;
import io.ticklake.producers.sim.VenueSimulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Recording from the simulator gives back the frames it sent, and the snapshot it answered, in our capture format. */
@Tag("integration")
class RecorderIT {
  @TempDir Path dir;

  @Test
  void recordsFramesAndTheSnapshotInTheCaptureFormat() throws Exception {
    List<CaptureFile.Entry> capture = CaptureFile.readResource("/captures/binance-usdm/btcusdt-20240808.capture");
    String snapshot;
    try (var in = getClass().getResourceAsStream("/captures/binance-usdm/btcusdt-20240808.snapshots.jsonl")) {
      snapshot = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
    }
    try (VenueSimulator sim = new VenueSimulator(capture, new BinanceUsdmSimProfile(Map.of("BTCUSDT", snapshot)), 0)) {
      sim.start(0);
      Path out = dir.resolve("rec.capture");
      RecorderMain.Options options = new RecorderMain.Options(new io.ticklake.producers.binance.BinanceUsdmVenue(), out, List.of("btcusdt"),
          List.of("trade", "depth@0ms", "bookTicker"), sim.wsUrl(), sim.restUrl(), Duration.ofSeconds(6));
      RecorderMain.Result result = RecorderMain.record(options);

      assertThat(sim.finished()).isTrue();
      List<CaptureFile.Entry> recorded = CaptureFile.read(out);
      assertThat(recorded).hasSize((int) sim.framesSent()).hasSize(3291);
      assertThat(recorded).extracting(CaptureFile.Entry::frame)
          .containsExactlyElementsOf(capture.stream().map(CaptureFile.Entry::frame).toList());
      assertThat(recorded).allSatisfy(e -> assertThat(e.receiveTime()).isNotNull());
      assertThat(result.frames()).isEqualTo(3291);
      Path snapshots = dir.resolve("btcusdt-rec.snapshots.jsonl");
      assertThat(result.snapshots()).containsEntry("BTCUSDT", snapshots);
      assertThat(Files.readAllLines(snapshots)).containsExactly(snapshot);
    }
  }
}
