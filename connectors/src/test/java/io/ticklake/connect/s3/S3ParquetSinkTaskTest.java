package io.ticklake.connect.s3;

import io.ticklake.schema.serde.InMemorySchemaRegistryClient;

import static io.ticklake.connect.s3.TestRecords.micros;
import static io.ticklake.connect.s3.TestRecords.trade;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticklake.connect.s3.storage.InMemoryS3Storage;
import io.ticklake.schema.serde.AvroWireSerializer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class S3ParquetSinkTaskTest {
  static final String TOPIC = "md.norm.trades.v1";
  static final TopicPartition TP = new TopicPartition(TOPIC, 0);

  InMemoryS3Storage storage = new InMemoryS3Storage();
  InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
  AvroWireSerializer<Object> serializer = new AvroWireSerializer<>(registry, Map.of(), false);
  FakeContext context = new FakeContext();
  S3ParquetSinkTask task;

  @BeforeEach
  void setUp() {
    task = new S3ParquetSinkTask(c -> storage, c -> registry,
        new TopicPartitionWriterTest.MutableClock(Instant.parse("2030-01-01T00:00:00Z")));
    task.initialize(context);
  }

  void start(Map<String, String> extra) {
    Map<String, String> props = new HashMap<>(S3ParquetSinkConfigTest.minimal());
    props.put("flush.size", "2");
    props.putAll(extra);
    task.start(props);
    task.open(List.of(TP));
  }

  SinkRecord record(long offset, byte[] value) {
    return new SinkRecord(TOPIC, 0, null, null, null, value, offset, 1_700_000_000_000L, null);
  }

  byte[] tradeBytes(String id) {
    return serializer.serialize(TOPIC, trade("binance-usdm", "BTCUSDT", id, "100", micros("2024-05-01T10:00:00Z")));
  }

  @Test
  void writesWireFormatRecordsAndCommitsOnlyUploadedOffsets() {
    start(Map.of());
    task.put(List.of(record(0, tradeBytes("1")), record(1, tradeBytes("2")), record(2, tradeBytes("3"))));
    Map<TopicPartition, OffsetAndMetadata> offsets = task.preCommit(Map.of(TP, new OffsetAndMetadata(3)));
    assertThat(offsets).containsEntry(TP, new OffsetAndMetadata(2));
    assertThat(storage.keys()).containsExactly(
        "lake/trades/venue=binance-usdm/symbol=BTCUSDT/date=2024-05-01/md.norm.trades.v1+0+00000000000000000000.parquet");
    task.stop();
  }

  @Test
  void derivedKindsArePartitionedByTheirEventTimeNotTheKafkaTimestamp() {
    // The Streams app's topics go by LogAppendTime, so a record's Kafka timestamp is the broker's
    // clock (here 2023-11-14); the layout must follow each value's eventTime, kind by kind.
    long open = micros("2024-08-08T23:59:00Z");
    GenericRecord venueCandle = TestRecords.candle("BTCUSDT", open, "100", "101", "99", "100.5");
    venueCandle.put("source", "venue");
    Map<String, GenericRecord> byTopic = new LinkedHashMap<>();
    byTopic.put("md.norm.candles.v1", venueCandle);
    byTopic.put("md.agg.ohlcv-1m.v1", TestRecords.candle("BTCUSDT", open, "100", "101", "99", "100.5"));
    byTopic.put("md.agg.ohlcv-5m.v1", TestRecords.candle("BTCUSDT", open, "100", "101", "99", "100.5"));
    byTopic.put("md.agg.ofi.v1", TestRecords.ofi("1m", open, open + 60_000_000L, "-1.25", micros("2024-08-08T23:59:41.250Z")));
    byTopic.put("md.agg.cvd.v1", TestRecords.cvd(open, micros("2024-08-08T23:59:58Z")));
    start(Map.of("flush.size", "1"));
    List<TopicPartition> tps = byTopic.keySet().stream().map(t -> new TopicPartition(t, 2)).toList();
    task.open(tps);
    List<SinkRecord> records = new ArrayList<>();
    byTopic.forEach((topic, value) ->
        records.add(new SinkRecord(topic, 2, null, null, null, serializer.serialize(topic, value), 7, 1_700_000_000_000L, null)));
    task.put(records);
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    tps.forEach(tp -> offsets.put(tp, new OffsetAndMetadata(8)));
    assertThat(task.preCommit(offsets)).containsAllEntriesOf(offsets);
    // A candle's eventTime is its close: the 23:59 candle closes on the next day, where coverage
    // looks for it (CoverageWindow shifts interval kinds back by their interval).
    assertThat(storage.keys()).containsExactlyInAnyOrder(
        "lake/candles/venue=binance-usdm/symbol=BTCUSDT/date=2024-08-09/md.norm.candles.v1+2+00000000000000000007.parquet",
        "lake/ohlcv-1m/venue=binance-usdm/symbol=BTCUSDT/date=2024-08-09/md.agg.ohlcv-1m.v1+2+00000000000000000007.parquet",
        "lake/ohlcv-5m/venue=binance-usdm/symbol=BTCUSDT/date=2024-08-09/md.agg.ohlcv-5m.v1+2+00000000000000000007.parquet",
        "lake/ofi/venue=binance-usdm/symbol=BTCUSDT/date=2024-08-08/md.agg.ofi.v1+2+00000000000000000007.parquet",
        "lake/cvd/venue=binance-usdm/symbol=BTCUSDT/date=2024-08-08/md.agg.cvd.v1+2+00000000000000000007.parquet");
    task.stop();
  }

  @Test
  void badRecordStopsTheTaskUnlessToleratedThenGoesToTheReporter() {
    start(Map.of());
    assertThatThrownBy(() -> task.put(List.of(record(0, new byte[] {1, 2, 3}))))
        .isInstanceOf(ConnectException.class).hasMessageContaining("md.norm.trades.v1-0 offset 0");

    setUp();
    start(Map.of("errors.tolerance", "all"));
    task.put(List.of(record(0, new byte[] {1, 2, 3}), record(1, tradeBytes("1")), record(2, tradeBytes("2"))));
    assertThat(context.reported).hasSize(1);
    assertThat(context.reported.get(0).kafkaOffset()).isZero();
    assertThat(task.preCommit(Map.of(TP, new OffsetAndMetadata(3)))).containsEntry(TP, new OffsetAndMetadata(3));
  }

  @Test
  void unknownSchemaIdIsABadRecord() {
    start(Map.of("errors.tolerance", "all"));
    task.put(List.of(record(0, new byte[] {0, 0, 0, 0, 99, 2})));
    assertThat(context.reported).hasSize(1);
  }

  @Test
  void nullValuesFailOrAreIgnored() {
    start(Map.of());
    assertThatThrownBy(() -> task.put(List.of(record(0, null)))).hasMessageContaining("behavior.on.null.values=fail");
    setUp();
    start(Map.of("behavior.on.null.values", "ignore"));
    task.put(List.of(record(0, null), record(1, null)));
    assertThat(task.preCommit(Map.of(TP, new OffsetAndMetadata(2)))).containsEntry(TP, new OffsetAndMetadata(2));
  }

  @Test
  void throttlingAsksConnectToBackOffAndRedeliver() {
    start(Map.of("s3.retry.backoff.ms", "1234"));
    storage.failNextPuts.set(2); // the put, and the retry preCommit makes
    List<SinkRecord> batch = List.of(record(0, tradeBytes("1")), record(1, tradeBytes("2")));
    assertThatThrownBy(() -> task.put(batch)).isInstanceOf(RetriableException.class);
    assertThat(context.timeout).isEqualTo(1234L);
    assertThat(task.preCommit(Map.of(TP, new OffsetAndMetadata(2)))).containsEntry(TP, new OffsetAndMetadata(0));
    task.put(batch);
    assertThat(task.preCommit(Map.of(TP, new OffsetAndMetadata(2)))).containsEntry(TP, new OffsetAndMetadata(2));
    assertThat(storage.keys()).hasSize(1);
  }

  static final class FakeContext implements SinkTaskContext {
    final List<SinkRecord> reported = new ArrayList<>();
    long timeout = -1;

    @Override
    public Map<String, String> configs() {
      return Map.of();
    }

    @Override
    public void offset(Map<TopicPartition, Long> offsets) {}

    @Override
    public void offset(TopicPartition tp, long offset) {}

    @Override
    public void timeout(long timeoutMs) {
      timeout = timeoutMs;
    }

    @Override
    public Set<TopicPartition> assignment() {
      return Set.of(TP);
    }

    @Override
    public void pause(TopicPartition... partitions) {}

    @Override
    public void resume(TopicPartition... partitions) {}

    @Override
    public void requestCommit() {}

    @Override
    public ErrantRecordReporter errantRecordReporter() {
      return (record, error) -> {
        reported.add(record);
        Future<Void> done = CompletableFuture.completedFuture(null);
        return done;
      };
    }

    @Override
    public PluginMetrics pluginMetrics() {
      return null;
    }
  }
}
