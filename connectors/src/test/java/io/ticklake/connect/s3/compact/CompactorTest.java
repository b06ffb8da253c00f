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
        .anyMatch(k -> k.matches(".*/compacted-\\d{2}-[0-9a-f]{16}\\.parquet"));
    // The manifest is written after the compacted file and before any delete.
    assertThat(storage.putLog.get(storage.putLog.size() - 1)).endsWith("_manifest.json");

    JsonNode manifest = new ObjectMapper().readTree(storage.bytes("lake/" + PARTITION + "/_manifest.json"));
    JsonNode file = manifest.get("files").get(0);
    assertThat(manifest.get("primaryKey").toString()).isEqualTo("[\"venue\",\"symbol\",\"tradeId\"]");
    assertThat(file.get("rows").asLong()).isEqualTo(4);
    assertThat(file.get("sha256").asText()).isEqualTo(
        Compactor.sha256(download(file.get("key").asText())));
    assertThat(file.get("bytes").asLong()).isEqualTo(download(file.get("key").asText()).toFile().length());
    assertThat(file.get("minEventTime").asText()).isEqualTo("2024-05-01T10:00:00Z");
    assertThat(file.get("maxEventTime").asText()).isEqualTo("2024-05-01T10:02:00Z");
    // The partition is its stream's only day: expected from its first to its last minute.
    assertThat(manifest.get("coverage").get("expectedMinutes").asLong()).isEqualTo(3);
    assertThat(manifest.get("coverage").get("presentMinutes").asLong()).isEqualTo(3);
    // Offsets 0-2 and 3-4 from the sink's Parquet footers, merged into one range.
    assertThat(manifest.get("sourceOffsets").toString())
        .isEqualTo("[{\"topic\":\"md.norm.trades.v1\",\"partition\":0,\"ranges\":[[0,4]]}]");
    assertThat(manifest.get("schemaFingerprint").asText()).hasSize(64);
    assertThat(manifest.get("supersededFiles")).hasSize(2);
    assertThat(manifest.get("rows").asLong()).isEqualTo(4);
    assertThat(manifest.get("duplicatesDropped").asLong()).isEqualTo(1);

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

  @Test
  void aLargePartitionIsSplitIntoSortedFilesOfTheTargetSize() throws Exception {
    long t = micros("2024-05-01T00:00:00Z");
    List<org.apache.avro.generic.GenericRecord> trades = new java.util.ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      trades.add(trade("binance-usdm", "BTCUSDT", Integer.toString(i), Integer.toString(60_000 + i % 977), t + i * 1_000_000L));
    }
    SinkFiles.write(storage, tmp, 0, trades);
    Compactor.Result r = new Compactor(storage, "lake", clock, 64 * 1024).compact(PARTITION, false);
    assertThat(r.outputFiles()).isGreaterThan(1);
    JsonNode manifest = new ObjectMapper().readTree(storage.bytes("lake/" + PARTITION + "/_manifest.json"));
    assertThat(manifest.get("files")).hasSize(r.outputFiles());
    long rows = 0;
    String previousMax = "";
    for (JsonNode f : manifest.get("files")) {
      rows += f.get("rows").asLong();
      assertThat(f.get("minEventTime").asText()).isGreaterThan(previousMax);
      previousMax = f.get("maxEventTime").asText();
      assertThat(f.get("sha256").asText()).isEqualTo(Compactor.sha256(download(f.get("key").asText())));
    }
    assertThat(rows).isEqualTo(20_000);
    assertThat(manifest.get("sourceOffsets").get(0).get("ranges").toString()).isEqualTo("[[0,19999]]");
  }

  @Test
  void aCompactionInterruptedAfterItsManifestIsFinishedByTheNextRun() throws Exception {
    sinkFiles();
    List<String> sinkKeys = storage.keys();
    Compactor compactor = new Compactor(storage, "lake", clock);
    compactor.compact(PARTITION, false);
    // Put the superseded files back, as if the run had died between the manifest and the deletes.
    sinkFiles();
    assertThat(storage.keys()).containsAll(sinkKeys).hasSize(4);
    var files = io.ticklake.connect.s3.lake.PartitionFiles.read(storage, "lake", PARTITION);
    assertThat(files.leftovers()).hasSize(2); // readers skip them
    assertThat(files.content()).hasSize(1);
    assertThat(compactor.compact(PARTITION, false).skipped()).isTrue();
    assertThat(storage.keys()).hasSize(2).noneMatch(sinkKeys::contains);
  }

  Path download(String key) throws Exception {
    Path p = Files.createTempFile(tmp, "dl", ".parquet");
    storage.download(key, p);
    return p;
  }
}
