package io.ticklake.ops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.producers.binance.BinanceUsdmSimProfile;
import io.ticklake.producers.sim.CaptureFile;
import io.ticklake.producers.sim.VenueSimulator;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ./ticklake record} against the venue simulator: what it writes is a capture the simulator replays. */
@Tag("integration")
class RecordCommandIT {
  @TempDir Path dir;

  @Test
  void recordsTheVenuesFramesAndSnapshotToReplayableFiles() throws Exception {
    List<CaptureFile.Entry> capture = CaptureFile.readResource("/captures/binance-usdm/btcusdt-20240808.capture");
    String snapshot;
    try (InputStream in = getClass().getResourceAsStream("/captures/binance-usdm/btcusdt-20240808.snapshots.jsonl")) {
      snapshot = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    }
    try (VenueSimulator sim = new VenueSimulator(capture, new BinanceUsdmSimProfile(Map.of("BTCUSDT", snapshot)), 0)) {
      sim.start(0);
      Path out = dir.resolve("live.capture");
      StringWriter stdout = new StringWriter();
      CommandLine cli = new CommandLine(new TicklakeCli()).setOut(new PrintWriter(stdout));
      int code = cli.execute("record", "--venue", "binance-usdm", "--out", out.toString(), "--symbols", "BTCUSDT",
          "--channels", "trade,depth@0ms,bookTicker", "--ws-url", sim.wsUrl(), "--rest-url", sim.restUrl(),
          "--seconds", "6");

      assertThat(code).isZero();
      assertThat(CaptureFile.read(out)).extracting(CaptureFile.Entry::frame)
          .containsExactlyElementsOf(capture.stream().map(CaptureFile.Entry::frame).toList());
      Path snapshots = dir.resolve("btcusdt-live.snapshots.jsonl");
      assertThat(Files.readAllLines(snapshots)).containsExactly(snapshot);
      assertThat(stdout.toString()).contains("recorded 3291 frames to " + out).contains(snapshots.toString());
    }
  }

  @Test
  void refusesANegativeDuration() {
    StringWriter err = new StringWriter();
    int code = new CommandLine(new TicklakeCli()).setErr(new PrintWriter(err))
        .execute("record", "--venue", "binance-usdm", "--out", dir.resolve("x.capture").toString(), "--seconds", "-1");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--seconds must be >= 0");
  }
}
