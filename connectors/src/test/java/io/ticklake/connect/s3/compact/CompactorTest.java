package io.ticklake.connect.s3.compact;

import static io.ticklake.connect.s3.TestRecords.micros;
import static io.ticklake.connect.s3.TestRecords.trade;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ticklake.connect.s3.SinkFiles;
import io.ticklake.connect.s3.storage.InMemoryS3Storage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompactorTest {
  static final String PARTITION = "trades/venue=binance-usdm/symbol=BTCUSDT/date=2024-05-01";
  @TempDir Path tmp;
  InMemoryS3Storage storage = new InMemoryS3Storage();
  Clock clock = Clock.fixed(Instant.parse("2024-05-03T00:00:00Z"), ZoneOffset.UTC);

  void sinkFiles() throws Exception {
    long t = micros("2024-05-01T10:00:00Z");
    // Two sink files; trade 3 is in both (a producer retry upstream), and out of time order.
    SinkFiles.write(storage, tmp, 0, List.of(
        trade("binance-usdm", "BTCUSDT", "1", "100", t + 2_000_000),
        trade("binance-usdm", "BTCUSDT", "2", "101", t),
        trade("binance-usdm", "BTCUSDT", "3", "102", t + 60_000_000)));
    SinkFiles.write(storage, tmp, 3, List.of(
        trade("binance-usdm", "BTCUSDT", "3", "102", t + 60_000_000),
        trade("binance-usdm", "BTCUSDT", "4", "103", t + 120_000_000)));
  }

  @Test
  void mergesDedupsSortsAndWritesTheManifestLast() throws Exception {
    sinkFiles();
    Compactor.Result r = new Compactor(storage, "lake", clock).compact(PARTITION, false);
    assertThat(r.rows()).isEqualTo(4);
    assertThat(r.duplicatesDropped()).isEqualTo(1);
    List<String> keys = storage.keys();
    assertThat(keys).hasSize(2).anyMatch(k -> k.endsWith("/_manifest.json"))
        .anyMatch(k -> k.matches(".*/compacted-[0-9a-f]{16}\\.parquet"));
    // The manifest is written after the compacted file and before any delete.
    assertThat(storage.putLog.get(storage.putLog.size() - 1)).endsWith("_manifest.json");

    JsonNode manifest = new ObjectMapper().readTree(storage.bytes("lake/" + PARTITION + "/_manifest.json"));
    JsonNode file = manifest.get("files").get(0);
    assertThat(manifest.get("primaryKey").toString()).isEqualTo("[\"venue\",\"symbol\",\"tradeId\"]");
    assertThat(file.get("rows").asLong()).isEqualTo(4);
    assertThat(file.get("sha256").asText()).isEqualTo(
        Compactor.sha256(download(file.get("key").asText())));
    assertThat(file.get("minEventTime").asText()).startsWith("2024-05-01 10:00:00");
    assertThat(manifest.get("coverage").get("presentMinutes").asLong()).isEqualTo(3);
    assertThat(manifest.get("sourceOffsets").get(0).get("topicPartition").asText()).isEqualTo("md.norm.trades.v1+0");
    assertThat(manifest.get("schemaFingerprint").asText()).hasSize(64);

    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT string_agg(tradeId, ',') FROM read_parquet('" + download(file.get("key").asText()) + "')")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("2,1,3,4");
    }
  }

  @Test
  void rerunWithALateFileIsIdempotentAndOpenDaysWaitForForce() throws Exception {
    sinkFiles();
    Compactor compactor = new Compactor(storage, "lake", clock);
    compactor.compact(PARTITION, false);
    assertThat(compactor.compact(PARTITION, false).skipped()).isTrue();
    SinkFiles.write(storage, tmp, 9, List.of(trade("binance-usdm", "BTCUSDT", "4", "103", micros("2024-05-01T10:02:00Z"))));
    Compactor.Result again = compactor.compact(PARTITION, false);
    assertThat(again.rows()).isEqualTo(4);
    assertThat(storage.keys()).hasSize(2);

    Compactor today = new Compactor(storage, "lake", Clock.fixed(Instant.parse("2024-05-01T12:00:00Z"), ZoneOffset.UTC));
    SinkFiles.write(storage, tmp, 20, List.of(trade("binance-usdm", "BTCUSDT", "5", "1", micros("2024-05-01T11:00:00Z"))));
    assertThat(today.compact(PARTITION, false).skipped()).isTrue();
    assertThat(today.compact(PARTITION, true).rows()).isEqualTo(5);
  }

  @Test
  void mainSelectsPartitionsAndExitsZero() throws Exception {
    sinkFiles();
    assertThat(CompactMain.run(new String[] {"--kind", "trades", "--date", "2024-05-01"}, Map.of(), storage)).isZero();
    assertThat(storage.keys()).anyMatch(k -> k.endsWith("_manifest.json"));
    assertThat(CompactMain.run(new String[] {"--bogus"}, Map.of(), storage)).isEqualTo(2);
    assertThat(CompactMain.run(new String[] {}, Map.of(), storage)).isEqualTo(2);
  }

  Path download(String key) throws Exception {
    Path p = Files.createTempFile(tmp, "dl", ".parquet");
    storage.download(key, p);
    return p;
  }
}
