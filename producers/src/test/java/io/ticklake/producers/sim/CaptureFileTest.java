package io.ticklake.producers.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptureFileTest {
  @Test
  void readsTimedAndBareLines() throws Exception {
    String text = "1723161255.030314667: {\"a\":1}\n\n{\"b\":2}\n";
    List<CaptureFile.Entry> entries = CaptureFile.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    assertThat(entries).containsExactly(
        new CaptureFile.Entry(Instant.ofEpochSecond(1723161255L, 30314667L), "{\"a\":1}"),
        new CaptureFile.Entry(null, "{\"b\":2}"));
    assertThat(CaptureFile.format(Instant.ofEpochSecond(1723161255L, 30314667L), "{\"a\":1}"))
        .isEqualTo("1723161255.030314667: {\"a\":1}");
    assertThatThrownBy(() -> CaptureFile.parseLine("garbage", 3)).hasMessageContaining("line 3");
  }

  @Test
  void shippedCaptureReads() {
    assertThat(CaptureFile.readResource("/captures/binance-usdm/btcusdt-20240808.capture")).hasSize(3291);
  }

  @Test
  void skipsCryptofeedLinesThatAreNotFrames() throws Exception {
    String text = String.join("\n",
        "wss://x <-> 1626992740.1",
        "wss://x <- 1618677817.0: {\"type\":\"subscribe\"}",
        "1626992740.5: {\"a\":1}",
        "https://x -> 1626992741.3: {\"lastUpdateId\":5,\"bids\":[]}",
        "wss://fstream.binance.com/stream?streams=btcusdt@depth <-> 1626992742.25",
        "https://fapi.binance.com/fapi/v1/depth?symbol=BTCUSDT -> 1626992741.4: [1,2]",
        "{\"b\":2}",
        "");
    List<CaptureFile.Entry> entries = CaptureFile.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    assertThat(entries).containsExactly(
        new CaptureFile.Entry(Instant.ofEpochSecond(1626992740L, 500_000_000L), "{\"a\":1}"),
        new CaptureFile.Entry(null, "{\"b\":2}"));
    assertThat(CaptureFile.notAFrame("wss://x <-> 1626992740.1")).isTrue();
    assertThat(CaptureFile.notAFrame("wss://x <- 1618677817.0: {\"type\":\"subscribe\"}")).isTrue();
    assertThat(CaptureFile.notAFrame("https://x -> 1626992741.3: {\"x\":1}")).isTrue();
    // A received frame that mentions a URL is still a frame.
    assertThat(CaptureFile.notAFrame("1626992740.5: {\"url\":\"wss://x <- y\"}")).isFalse();
    assertThat(CaptureFile.notAFrame("{\"url\":\"https://x -> y\"}")).isFalse();
  }

  @Test
  void snapshotsBesideFindsTheSymbolDashCaptureLayouts(@TempDir Path dir) throws Exception {
    Path capture = Files.writeString(dir.resolve("run.capture"), "1626992740.5: {}\n");
    // <symbol>-<stem>.snapshots.jsonl, several answers: the last non-blank line is the latest.
    Files.writeString(dir.resolve("btcusdt-run.snapshots.jsonl"),
        "{\"lastUpdateId\":1}\n{\"lastUpdateId\":2}\n\n   \n");
    // <symbol>-<name>.snapshots.jsonl, the symbol in another case than asked for.
    Files.writeString(dir.resolve("ETHUSDT-run.capture.snapshots.jsonl"), "{\"lastUpdateId\":7}\n");
    // Beside them, files for other captures: never taken.
    Files.writeString(dir.resolve("btcusdt-other.snapshots.jsonl"), "{\"lastUpdateId\":99}\n");
    Files.writeString(dir.resolve("solusdt-other.snapshots.jsonl"), "{\"lastUpdateId\":98}\n");

    Map<String, String> found = CaptureFile.snapshotsBeside(capture, List.of("BTCUSDT", "ethusdt", "SOLUSDT"));

    assertThat(found).containsOnly(
        Map.entry("BTCUSDT", "{\"lastUpdateId\":2}"),
        Map.entry("ethusdt", "{\"lastUpdateId\":7}"));
    assertThat(found).doesNotContainKey("SOLUSDT");
  }

  @Test
  void snapshotsBesideFindsTheDemoLayout(@TempDir Path dir) throws Exception {
    // The shipped demo: btcusdt-20240808.capture beside btcusdt-20240808.snapshots.jsonl.
    Path capture = Files.writeString(dir.resolve("btcusdt-20240808.capture"), "1723161255.0: {}\n");
    Files.writeString(dir.resolve("btcusdt-20240808.snapshots.jsonl"), "{\"lastUpdateId\":1}\r\n{\"lastUpdateId\":3}\r\n");

    Map<String, String> found = CaptureFile.snapshotsBeside(capture, List.of("BTCUSDT", "ETHUSDT", "BTC"));

    // Only the symbol the stem starts with (followed by a dash): not ETHUSDT, not the prefix BTC.
    assertThat(found).containsOnly(Map.entry("BTCUSDT", "{\"lastUpdateId\":3}"));
  }

  @Test
  void snapshotsBesideIsEmptyWithoutFiles(@TempDir Path dir) throws Exception {
    Path capture = Files.writeString(dir.resolve("run.capture"), "");
    Files.writeString(dir.resolve("btcusdt-run.jsonl"), "{}\n"); // not a .snapshots.jsonl
    assertThat(CaptureFile.snapshotsBeside(capture, List.of("BTCUSDT"))).isEmpty();
  }
}
