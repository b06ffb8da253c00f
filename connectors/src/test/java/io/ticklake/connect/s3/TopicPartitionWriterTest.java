package io.ticklake.connect.s3;

import static io.ticklake.connect.s3.TestRecords.micros;
import static io.ticklake.connect.s3.TestRecords.trade;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticklake.connect.s3.partition.LakePartitioner;
import io.ticklake.connect.s3.storage.InMemoryS3Storage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopicPartitionWriterTest {
  static final String TOPIC = "md.norm.trades.v1";
  static final TopicPartition TP = new TopicPartition(TOPIC, 3);
  static final long T0 = micros("2024-05-01T23:58:00Z");

  @TempDir Path tmp;
  InMemoryS3Storage storage;
  MutableClock clock;
  LakePartitioner partitioner = new LakePartitioner(DateTimeFormatter.ofPattern("'date'=yyyy-MM-dd"));

  @BeforeEach
  void setUp() {
    storage = new InMemoryS3Storage();
    clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
  }

  WriterSettings settings(int flushSize, Duration rotate, Duration schedule) {
    return new WriterSettings("lake", flushSize, Optional.ofNullable(rotate), Optional.ofNullable(schedule),
        CompressionCodecName.ZSTD, tmp.resolve("work"));
  }

  void write(TopicPartitionWriter w, long offset, GenericRecord r) {
    long t = (Long) r.get("eventTime");
    w.write(offset, partitioner.encodedPartition(TOPIC, r, t), r, t);
  }

  @Test
  void rotatesOnFlushSizeWithDeterministicKeysAndCommitsOffsets() {
    TopicPartitionWriter w = new TopicPartitionWriter(TP, settings(3, null, null), storage, clock);
    for (int i = 0; i < 7; i++) {
      write(w, 100 + i, trade("binance-usdm", "BTCUSDT", "t" + i, "65000.1", T0 + i));
    }
    assertThat(storage.keys()).containsExactly(
        "lake/trades/venue=binance-usdm/symbol=BTCUSDT/date=2024-05-01/md.norm.trades.v1+3+00000000000000000100.parquet",
        "lake/trades/venue=binance-usdm/symbol=BTCUSDT/date=2024-05-01/md.norm.trades.v1+3+00000000000000000103.parquet");
    // Offset 106 sits in an open file: only 0..105 are safe to commit.
    assertThat(w.committableOffset()).isEqualTo(106L);
    assertThat(w.committedOffset()).isEqualTo(106L);
    w.commit();
    assertThat(w.committableOffset()).isEqualTo(107L);
    assertThat(storage.keys()).hasSize(3);
  }

  @Test
  void committableOffsetStaysAtTheFirstOpenFile() {
    TopicPartitionWriter w = new TopicPartitionWriter(TP, settings(100, null, null), storage, clock);
    assertThat(w.committableOffset()).isNull();
    write(w, 5, trade("binance-usdm", "BTCUSDT", "1", "1", T0));
    write(w, 6, trade("binance-usdm", "ETHUSDT", "2", "1", T0));
    assertThat(w.committableOffset()).isEqualTo(5L);
    assertThat(storage.keys()).isEmpty();
  }

  @Test
  void datePartitionComesFromEventTimeInUtcNotWallClock() {
    TopicPartitionWriter w = new TopicPartitionWriter(TP, settings(100, null, null), storage, clock);
    // 23:59:59.999999 and 00:00:00 UTC: two dates, whatever the JVM zone (tests run in Europe/Vienna).
    write(w, 0, trade("binance-usdm", "BTCUSDT", "1", "1", micros("2024-05-01T23:59:59.999999Z")));
    write(w, 1, trade("binance-usdm", "BTCUSDT", "2", "1", micros("2024-05-02T00:00:00Z")));
    w.commit();
    assertThat(storage.keys()).extracting(k -> k.split("/")[4]).containsExactly("date=2024-05-01", "date=2024-05-02");
  }

  @Test
  void rotatesOnRecordTimeInterval() {
    TopicPartitionWriter w = new TopicPartitionWriter(TP, settings(1000, Duration.ofMinutes(1), null), storage, clock);
    write(w, 0, trade("kraken", "BTC/USD", "1", "1", T0));
    write(w, 1, trade("kraken", "BTC/USD", "2", "1", T0 + 59_999_999));
    assertThat(storage.keys()).isEmpty();
    write(w, 2, trade("kraken", "BTC/USD", "3", "1", T0 + 60_000_000));
    assertThat(storage.keys()).containsExactly(
        "lake/trades/venue=kraken/symbol=BTC%2FUSD/date=2024-05-01/md.norm.trades.v1+3+00000000000000000000.parquet");
    assertThat(w.committableOffset()).isEqualTo(2L);
  }

  @Test
  void rotatesAnIdlePartitionOnTheWallClockSchedule() {
    TopicPartitionWriter w = new TopicPartitionWriter(TP, settings(1000, null, Duration.ofMinutes(10)), storage, clock);
    write(w, 0, trade("binance-usdm", "BTCUSDT", "1", "1", T0));
    clock.advance(Duration.ofMinutes(9));
    w.rotateOnSchedule();
    assertThat(storage.keys()).isEmpty();
    clock.advance(Duration.ofMinutes(1));
    w.rotateOnSchedule();
    assertThat(storage.keys()).hasSize(1);
    assertThat(w.committableOffset()).isEqualTo(1L);
  }

  @Test
  void commitsAllFilesOfThePartitionTogether() {
    TopicPartitionWriter w = new TopicPartitionWriter(TP, settings(2, null, null), storage, clock);
    write(w, 0, trade("binance-usdm", "BTCUSDT", "1", "1", T0));
    write(w, 1, trade("binance-usdm", "ETHUSDT", "2", "1", T0));
    write(w, 2, trade("binance-usdm", "BTCUSDT", "3", "1", T0));
    assertThat(storage.keys()).hasSize(2);
    assertThat(storage.keys()).allMatch(k -> k.endsWith("+00000000000000000000.parquet") || k.endsWith("+00000000000000000001.parquet"));
    assertThat(w.committableOffset()).isEqualTo(3L);
  }

  @Test
  void replayAfterCrashDeletesUncommittedFilesAndRewritesTheSameKeys() throws Exception {
    TopicPartitionWriter first = new TopicPartitionWriter(TP, settings(2, null, null), storage, clock);
    List<GenericRecord> records = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      records.add(trade("binance-usdm", i % 2 == 0 ? "BTCUSDT" : "ETHUSDT", "t" + i, "1", T0 + i));
    }
    for (int i = 0; i < 6; i++) {
      write(first, i, records.get(i));
    }
    List<String> before = storage.keys();
    // Files commit at offsets 3 and 6; Kafka only got offset 3 before the worker died, so the
    // second batch (first offsets 3 and 4) is uploaded but uncommitted.
    assertThat(first.committableOffset()).isEqualTo(6L);
    // A file of another partition and a compacted file must survive the cleanup; a stray file at
    // offset 4 (a wall-clock rotation before the crash that the replay will not repeat) must not.
    String otherPartition = "lake/trades/venue=binance-usdm/symbol=BTCUSDT/date=2024-05-01/md.norm.trades.v1+4+00000000000000000009.parquet";
    String compacted = "lake/trades/venue=binance-usdm/symbol=BTCUSDT/date=2024-05-01/compacted-0.parquet";
    String stray = "lake/trades/venue=binance-usdm/symbol=XRPUSDT/date=2024-05-01/md.norm.trades.v1+3+00000000000000000004.parquet";
    storage.put(otherPartition, new byte[] {1});
    storage.put(compacted, new byte[] {2});
    storage.put(stray, new byte[] {3});

    TopicPartitionWriter replay = new TopicPartitionWriter(TP, settings(2, null, null), storage, clock);
    for (int i = 3; i < 6; i++) {
      write(replay, i, records.get(i));
    }
    assertThat(storage.deleteLog).containsExactlyInAnyOrder(
        "lake/trades/venue=binance-usdm/symbol=ETHUSDT/date=2024-05-01/md.norm.trades.v1+3+00000000000000000003.parquet",
        "lake/trades/venue=binance-usdm/symbol=BTCUSDT/date=2024-05-01/md.norm.trades.v1+3+00000000000000000004.parquet",
        stray);
    assertThat(storage.keys()).containsAll(before).contains(otherPartition, compacted).doesNotContain(stray);
    assertThat(replay.committableOffset()).isEqualTo(6L);
    assertThat(countRows("lake/trades/venue=binance-usdm/symbol=BTCUSDT/")).isEqualTo(3);
    assertThat(countRows("lake/trades/venue=binance-usdm/symbol=ETHUSDT/")).isEqualTo(3);
  }

  @Test
  void redeliveredRecordsAreNotWrittenTwice() throws Exception {
    TopicPartitionWriter w = new TopicPartitionWriter(TP, settings(3, null, null), storage, clock);
    storage.failNextPuts.set(1);
    write(w, 0, trade("binance-usdm", "BTCUSDT", "1", "1", T0));
    write(w, 1, trade("binance-usdm", "BTCUSDT", "2", "1", T0));
    assertThatThrownBy(() -> write(w, 2, trade("binance-usdm", "BTCUSDT", "3", "1", T0)))
        .isInstanceOf(RetriableException.class).hasMessageContaining("+00000000000000000000.parquet").hasMessageContaining(TP.toString());
    assertThat(w.committableOffset()).isEqualTo(0L);
    // Connect redelivers the same batch after the backoff.
    for (int i = 0; i < 3; i++) {
      write(w, i, trade("binance-usdm", "BTCUSDT", String.valueOf(i + 1), "1", T0));
    }
    assertThat(w.committableOffset()).isEqualTo(3L);
    assertThat(countRows("lake/")).isEqualTo(3);
  }

  @Test
  void fatalStorageErrorNamesPartitionAndKey() {
    TopicPartitionWriter w = new TopicPartitionWriter(TP, settings(1, null, null), storage, clock);
    storage.failNextPuts.set(1);
    storage.failuresRetriable = false;
    assertThatThrownBy(() -> write(w, 0, trade("binance-usdm", "BTCUSDT", "1", "1", T0)))
        .isInstanceOf(ConnectException.class).isNotInstanceOf(RetriableException.class)
        .hasMessageContaining("md.norm.trades.v1-3")
        .hasMessageContaining("lake/trades/venue=binance-usdm/symbol=BTCUSDT/date=2024-05-01/md.norm.trades.v1+3+00000000000000000000.parquet");
  }

  @Test
  void openWriterCapCommitsThePartitionWithTheOldestFile() {
    PartitionWriters writers = new PartitionWriters(settings(1000, null, null), storage, clock, 2);
    TopicPartition other = new TopicPartition(TOPIC, 4);
    writers.open(List.of(TP, other));
    GenericRecord a = trade("binance-usdm", "BTCUSDT", "1", "1", T0);
    GenericRecord b = trade("binance-usdm", "ETHUSDT", "2", "1", T0);
    GenericRecord c = trade("binance-usdm", "SOLUSDT", "3", "1", T0);
    writers.write(TP, 0, partitioner.encodedPartition(TOPIC, a, T0), a, T0);
    clock.advance(Duration.ofSeconds(1));
    writers.write(other, 0, partitioner.encodedPartition(TOPIC, b, T0), b, T0);
    assertThat(writers.openFiles()).isEqualTo(2);
    clock.advance(Duration.ofSeconds(1));
    writers.write(other, 1, partitioner.encodedPartition(TOPIC, c, T0), c, T0);
    assertThat(writers.openFiles()).isEqualTo(2);
    assertThat(storage.keys()).containsExactly(
        "lake/trades/venue=binance-usdm/symbol=BTCUSDT/date=2024-05-01/md.norm.trades.v1+3+00000000000000000000.parquet");
    assertThat(writers.committableOffsets().get(TP).offset()).isEqualTo(1L);
    assertThat(writers.committableOffsets().get(other).offset()).isEqualTo(0L);
  }

  @Test
  void writtenValuesReadBackExactly() throws Exception {
    TopicPartitionWriter w = new TopicPartitionWriter(TP, settings(1, null, null), storage, clock);
    write(w, 0, trade("binance-usdm", "BTCUSDT", "42", "65000.123456789012345678", T0));
    Path file = tmp.resolve("read.parquet");
    storage.download(storage.keys().get(0), file);
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT tradeId, price::VARCHAR, epoch_us(eventTime), side FROM '" + file + "'")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("42");
      assertThat(rs.getString(2)).isEqualTo("65000.123456789012345678");
      assertThat(rs.getLong(3)).isEqualTo(T0);
      assertThat(rs.getString(4)).isEqualTo("BUY");
    }
    assertThat(Files.list(tmp.resolve("work"))).isEmpty();
  }

  long countRows(String prefix) throws Exception {
    long total = 0;
    int i = 0;
    for (String key : storage.keys()) {
      if (!key.startsWith(prefix) || !key.contains("+3+")) {
        continue;
      }
      Path f = tmp.resolve("count-" + i++ + ".parquet");
      storage.download(key, f);
      try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT count(*) FROM '" + f + "'")) {
        rs.next();
        total += rs.getLong(1);
      }
    }
    return total;
  }

  /** A clock the test moves by hand. */
  static final class MutableClock extends Clock {
    private Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
