package io.ticklake.connect.s3.qa;

import static io.ticklake.connect.s3.TestRecords.candle;
import static io.ticklake.connect.s3.TestRecords.micros;
import static io.ticklake.connect.s3.TestRecords.trade;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ticklake.connect.s3.SinkFiles;
import io.ticklake.connect.s3.TestRecords;
import io.ticklake.connect.s3.compact.Compactor;
import io.ticklake.connect.s3.storage.InMemoryS3Storage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;
import java.util.function.UnaryOperator;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * QA on a lake written exactly as the sink writes it (then compacted as {@code ./ticklake compact}
 * does): a clean lake passes, and each planted fault fails naming its check and partition.
 */
class LakeQaTest {
  static final String TRADES_1 = "trades/venue=binance-usdm/symbol=BTCUSDT/date=2024-05-01";
  static final String TRADES_2 = "trades/venue=binance-usdm/symbol=BTCUSDT/date=2024-05-02";
  static final String CANDLES_1 = "ohlcv-1m/venue=binance-usdm/symbol=BTCUSDT/date=2024-05-01";
  static final String CANDLE_TOPIC = "md.agg.ohlcv-1m.v1";
  static final long DAY1 = micros("2024-05-01T00:00:00Z");
  static final long MINUTE = 60_000_000L;

  @TempDir Path tmp;
  InMemoryS3Storage storage = new InMemoryS3Storage();
  Clock clock = Clock.fixed(Instant.parse("2024-05-10T00:00:00Z"), ZoneOffset.UTC);
  String out;

  /** Two whole days of trades every 30 s, in sink files of 1,000 rows, and a day of 1-minute candles. */
  void cleanLake(LongPredicate keepTradeAt) {
    cleanLake(keepTradeAt, c -> c);
  }

  void cleanLake(LongPredicate keepTradeAt, UnaryOperator<GenericRecord> candleEdit) {
    List<GenericRecord> trades = new ArrayList<>();
    for (long t = DAY1; t < DAY1 + 2 * 1440 * MINUTE; t += 30_000_000L) {
      if (keepTradeAt.test(t)) {
        trades.add(trade("binance-usdm", "BTCUSDT", Long.toString(t / 1000), "65000.5", t));
      }
    }
    for (int i = 0; i < trades.size(); i += 1000) {
      SinkFiles.write(storage, tmp, i, trades.subList(i, Math.min(trades.size(), i + 1000)));
    }
    List<GenericRecord> candles = new ArrayList<>();
    // Day 1 holds the candles closing on day 1: from 23:59 of the day before to 23:58.
    for (long open = DAY1 - MINUTE; open < DAY1 + 1439 * MINUTE; open += MINUTE) {
      candles.add(candleEdit.apply(candle("BTCUSDT", open, "100", "101.5", "99", "100.25")));
    }
    SinkFiles.write(storage, tmp, CANDLE_TOPIC, 0, candles);
  }

  void compactAll() throws Exception {
    Compactor compactor = new Compactor(storage, "lake", clock);
    for (String p : compactor.partitions(x -> true)) {
      compactor.compact(p, false);
    }
  }

  int qa(String... args) throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    List<String> all = new ArrayList<>(Arrays.asList(args));
    all.addAll(List.of("--report", tmp.resolve("qa-report.json").toString()));
    int code = QaMain.run(all.toArray(String[]::new), Map.of(), storage, clock, new PrintStream(buf, true, StandardCharsets.UTF_8),
        new PrintStream(buf, true, StandardCharsets.UTF_8));
    out = buf.toString(StandardCharsets.UTF_8);
    return code;
  }

  JsonNode report() throws Exception {
    return new ObjectMapper().readTree(tmp.resolve("qa-report.json").toFile());
  }

  @Test
  void aCleanLakePassesBeforeAndAfterCompaction() throws Exception {
    cleanLake(t -> true);
    assertThat(qa()).as(out).isZero();
    assertThat(out).contains("3 partitions: 3 passed, 0 failed");
    compactAll();
    assertThat(qa()).as(out).isZero();
    JsonNode report = report();
    assertThat(report.get("status").asText()).isEqualTo("PASS");
    JsonNode trades = report.get("partitions").get(1);
    assertThat(trades.get("partition").asText()).isEqualTo(TRADES_1);
    assertThat(trades.get("rows").asLong()).isEqualTo(2880);
    assertThat(checks(trades)).containsEntry("manifest-sha256", "PASS").containsEntry("pk-unique", "PASS")
        .containsEntry("coverage", "PASS").containsEntry("gaps", "PASS").containsEntry("event-time-monotonic", "PASS")
        .containsEntry("grid-aligned", "SKIP");
    assertThat(checks(report.get("partitions").get(0))).containsEntry("grid-aligned", "PASS").containsEntry("ohlc-valid", "PASS")
        .containsEntry("closed-only", "PASS").containsEntry("coverage", "PASS");
  }

  @Test
  void aDuplicateFailsPkUniqueNamingThePartition() throws Exception {
    cleanLake(t -> true);
    compactAll();
    long t = DAY1 + 600 * MINUTE;
    // A late sink file (after compaction) repeating a trade already in the compacted file.
    SinkFiles.write(storage, tmp, 90_000, List.of(trade("binance-usdm", "BTCUSDT", Long.toString(t / 1000), "65000.5", t)));
    assertThat(qa()).isEqualTo(1);
    assertThat(out).contains("FAIL pk-unique " + TRADES_1 + ": 1 keys (venue, symbol, tradeId) appear more than once")
        .contains("md.norm.trades.v1+0+00000000000000090000.parquet");
    assertThat(report().get("failures")).hasSize(1);
    assertThat(report().get("failures").get(0).get("check").asText()).isEqualTo("pk-unique");
    assertThat(report().get("failures").get(0).get("partition").asText()).isEqualTo(TRADES_1);
  }

  @Test
  void aGapFailsGapsAndCoverage() throws Exception {
    // 20 silent minutes, 10:00 to 10:20 on day 1.
    cleanLake(t -> t < DAY1 + 600 * MINUTE || t >= DAY1 + 620 * MINUTE);
    compactAll();
    assertThat(qa("--days", "30")).isEqualTo(1);
    assertThat(out).contains("FAIL gaps " + TRADES_1 + ": 1 gaps longer than PT5M: 2024-05-01T09:59:30.000001Z .. 2024-05-01T10:20:00Z")
        .contains("FAIL coverage " + TRADES_1 + ": 1420 of 1440 expected minutes present (98.611%)");
    assertThat(out).doesNotContain("FAIL gaps " + TRADES_2);
    // A longer threshold and a lower bar accept it.
    assertThat(qa("--gap-threshold-minutes", "30", "--min-coverage", "98")).as(out).isZero();
  }

  @Test
  void aBadOhlcRowFailsOhlcValid() throws Exception {
    // The 10:30 candle's high is below its close.
    cleanLake(t -> true, c -> (Long) c.get("openTime") == DAY1 + 630 * MINUTE ? candle("BTCUSDT", DAY1 + 630 * MINUTE, "100", "99.5",
        "99", "100.25") : c);
    compactAll();
    assertThat(qa("--kind", "ohlcv-1m")).isEqualTo(1);
    assertThat(out).contains("FAIL ohlc-valid " + CANDLES_1 + ": 1 candles with high < max(open, close)")
        .contains("h=99.5");
  }

  @Test
  void aCorruptedFileFailsTheManifestCheck() throws Exception {
    cleanLake(t -> true);
    compactAll();
    JsonNode manifest = new ObjectMapper().readTree(storage.bytes("lake/" + TRADES_2 + "/_manifest.json"));
    String key = manifest.get("files").get(0).get("key").asText();
    byte[] bytes = storage.bytes(key);
    bytes[bytes.length / 2] ^= 0x5a; // one flipped byte in the middle of the data
    storage.put(key, bytes);
    assertThat(qa()).isEqualTo(1);
    assertThat(out).contains("FAIL manifest-sha256 " + TRADES_2 + ": " + key.substring(key.lastIndexOf('/') + 1) + " has SHA-256 ");
  }

  @Test
  void aTruncatedSinkFileFailsReadable() throws Exception {
    cleanLake(t -> true);
    String key = storage.keys().stream().filter(k -> k.contains("date=2024-05-02")).findFirst().orElseThrow();
    storage.put(key, Arrays.copyOf(storage.bytes(key), 100));
    assertThat(qa()).isEqualTo(1);
    assertThat(out).contains("FAIL readable " + TRADES_2 + ": 1 of ");
  }

  @Test
  void openCandlesOffGridNegativeAndFutureRowsEachFail() throws Exception {
    cleanLake(t -> true);
    GenericRecord open = candle("BTCUSDT", DAY1 + 100 * MINUTE + 5_000_000L, "100", "101", "99", "100");
    open.put("closed", false);
    GenericRecord negative = trade("binance-usdm", "BTCUSDT", "neg", "-1", DAY1 + 5 * MINUTE);
    SinkFiles.write(storage, tmp, CANDLE_TOPIC, 7000, List.of(open));
    SinkFiles.write(storage, tmp, 80_000, List.of(negative));
    long future = micros("2024-05-10T00:05:00Z");
    SinkFiles.write(storage, tmp, 80_001, List.of(trade("binance-usdm", "BTCUSDT", "future", "1", future)));
    assertThat(qa()).isEqualTo(1);
    assertThat(out).contains("FAIL closed-only " + CANDLES_1).contains("FAIL grid-aligned " + CANDLES_1)
        .contains("FAIL finite-non-negative " + TRADES_1 + ": NaN, infinite or negative values in price: 1 rows")
        .contains("FAIL no-future trades/venue=binance-usdm/symbol=BTCUSDT/date=2024-05-10");
  }

  @Test
  void eventTimeGoingBackwardsInASinkFileFails() throws Exception {
    cleanLake(t -> true);
    SinkFiles.write(storage, tmp, 70_000, List.of(
        trade("binance-usdm", "BTCUSDT", "b1", "1", DAY1 + 10 * MINUTE),
        trade("binance-usdm", "BTCUSDT", "b2", "1", DAY1 + 9 * MINUTE)));
    assertThat(qa()).isEqualTo(1);
    assertThat(out).contains("FAIL event-time-monotonic " + TRADES_1 + ": eventTime goes backwards: md.norm.trades.v1+0+00000000000000070000.parquet: 1 steps back");
    // Compaction sorts by event time: the same rows then pass.
    compactAll();
    assertThat(qa()).as(out).isZero();
  }

  @Test
  void aMissingDayBetweenTwoDaysFailsCoverage() throws Exception {
    cleanLake(t -> true);
    long day4 = micros("2024-05-04T12:00:00Z");
    SinkFiles.write(storage, tmp, 60_000, List.of(trade("binance-usdm", "BTCUSDT", "d4", "1", day4)));
    assertThat(qa("--kind", "trades")).isEqualTo(1);
    assertThat(out).contains("FAIL coverage trades/venue=binance-usdm/symbol=BTCUSDT/date=2024-05-03: no files for this date")
        // Day 2 is no longer the stream's last day: its window is the whole day, which it covers.
        .doesNotContain("FAIL coverage " + TRADES_2);
  }

  /**
   * A venue of quiet symbols (Coinbase's sparse products): days and minutes without a trade are a
   * quiet market, not a hole, so its trades are not judged for silences and coverage; without the
   * trait the same lake fails.
   */
  @Test
  void aQuietSymbolsTradesMayBeSilentForDays() throws Exception {
    cleanLake(t -> true);
    SinkFiles.write(storage, tmp, 90_000, List.of(trade("coinbase", "BAND-GBP", "7", "5.1", DAY1 + 10 * MINUTE)));
    SinkFiles.write(storage, tmp, 90_001, List.of(trade("coinbase", "BAND-GBP", "8", "5.2", micros("2024-05-04T12:00:00Z"))));
    assertThat(qa("--kind", "trades", "--venue-traits", "coinbase=continuous/60")).isEqualTo(1);
    assertThat(out).contains("FAIL coverage trades/venue=coinbase/symbol=BAND-GBP/date=2024-05-02: no files for this date");
    assertThat(qa("--kind", "trades", "--venue-traits", "coinbase=continuous/60/quiet")).as(out).isZero();
    assertThat(out).doesNotContain("no files for this date");
    assertThat(qa("--venue-traits", "coinbase=continuous/60/loud")).isEqualTo(2);
    assertThat(out).contains("--venue-traits takes <venue>=<continuous|sessions>/<seconds>[/quiet]");
  }

  @Test
  void ofisRunningDayRowsAreSnapshotsThatPassQaAndSurviveCompaction() throws Exception {
    // As the Streams app writes them: the 1s rows as their seconds close; a minute's 1m row once
    // a record of the next minute closed it (after that minute's first 1s row, whose eventTime is
    // later), then the day's running total (window=day, windowStart = the day's start, windowEnd
    // = that minute's end). Each series' eventTime still never decreases.
    List<GenericRecord> rows = new ArrayList<>();
    long open = DAY1 + 600 * MINUTE;
    for (int m = 0; m < 5; m++) {
      long start = open + m * MINUTE;
      rows.add(TestRecords.ofi("1s", start, start + 1_000_000L, "0." + m, start + 200_000L));
      if (m > 0) {
        long prev = start - MINUTE;
        rows.add(TestRecords.ofi("1m", prev, start, "1." + m, prev + 59_000_000L));
        rows.add(TestRecords.ofi("day", DAY1, start, Integer.toString(m), prev + 59_000_000L));
      }
      rows.add(TestRecords.ofi("1s", start + 59_000_000L, start + 60_000_000L, "0." + m, start + 59_000_000L));
    }
    long last = open + 4 * MINUTE;
    rows.add(TestRecords.ofi("1m", last, last + MINUTE, "1.5", last + 59_000_000L));
    rows.add(TestRecords.ofi("day", DAY1, last + MINUTE, "5", last + 59_000_000L));
    SinkFiles.write(storage, tmp, "md.agg.ofi.v1", 0, rows);
    String ofi = "ofi/venue=binance-usdm/symbol=BTCUSDT/date=2024-05-01";
    assertThat(qa("--kind", "ofi")).as(out).isZero();
    compactAll();
    assertThat(qa("--kind", "ofi")).as(out).isZero();
    JsonNode partition = report().get("partitions").get(0);
    assertThat(partition.get("partition").asText()).isEqualTo(ofi);
    assertThat(checks(partition)).containsEntry("pk-unique", "PASS").containsEntry("grid-aligned", "PASS")
        .containsEntry("coverage", "PASS").containsEntry("manifest-sha256", "PASS").containsEntry("event-time-monotonic", "PASS");
    // Every running total is kept, the day's last one included.
    assertThat(partition.get("rows").asLong()).isEqualTo(20);
  }

  @Test
  void badArgumentsExitTwo() throws Exception {
    assertThat(qa("--days", "0")).isEqualTo(2);
    assertThat(out).contains("--days takes a positive whole number");
    assertThat(qa("--bogus")).isEqualTo(2);
  }

  static Map<String, String> checks(JsonNode partition) {
    Map<String, String> m = new java.util.TreeMap<>();
    partition.get("checks").forEach(c -> m.put(c.get("check").asText(), c.get("status").asText()));
    return m;
  }
}
