package io.ticklake.ops.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.schema.topic.TopicSpec;
import io.ticklake.schema.topic.Topics;
import io.ticklake.schema.v1.BookDelta;
import io.ticklake.schema.v1.Candle;
import io.ticklake.schema.v1.Cvd;
import io.ticklake.schema.v1.Ofi;
import io.ticklake.schema.v1.Quote;
import io.ticklake.schema.v1.Instrument;
import io.ticklake.schema.v1.Trade;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProvisionerTest {
  /** What each lake topic carries (the Avro record its writer serializes in the wire format). */
  static final Map<String, Schema> VALUES =
      Map.of(
          Topics.INSTRUMENTS, Instrument.getClassSchema(),
          Topics.TRADES, Trade.getClassSchema(),
          Topics.QUOTES, Quote.getClassSchema(),
          Topics.BOOK, BookDelta.getClassSchema(),
          Topics.VENUE_CANDLES, Candle.getClassSchema(),
          Topics.OHLCV_1M, Candle.getClassSchema(),
          Topics.OHLCV_5M, Candle.getClassSchema(),
          Topics.OHLCV_1H, Candle.getClassSchema(),
          Topics.OFI, Ofi.getClassSchema(),
          Topics.CVD, Cvd.getClassSchema());

  Map<String, String> lake;

  @BeforeEach
  void config() throws Exception {
    lake = new Provisioner(StackConfig.load(null, Map.of(), Map.of())).lakeConnectorConfig();
  }

  @Test
  void theLakeSinksTheNormalizedAndTheDerivedTopics() {
    assertThat(Arrays.asList(lake.get("topics").split(",")))
        .containsExactlyInAnyOrderElementsOf(VALUES.keySet())
        .doesNotContain(Topics.FEATURES_1M); // JSON text, not the registry wire format
    List<String> catalogue = Topics.all(List.of("binance-usdm")).stream().map(TopicSpec::name).toList();
    assertThat(catalogue).containsAll(VALUES.keySet());
  }

  @Test
  void everyLakeTopicIsPartitionedByItsValuesEventTime() {
    assertThat(lake)
        .containsEntry("timestamp.extractor", "RecordField")
        .containsEntry("timestamp.field", "eventTime")
        .containsEntry("consumer.override.isolation.level", "read_committed");
    VALUES.forEach((topic, schema) -> {
      assertThat(schema.getField("venue")).as(topic + " venue").isNotNull();
      assertThat(schema.getField("symbol")).as(topic + " symbol").isNotNull();
      Schema.Field eventTime = schema.getField("eventTime");
      assertThat(eventTime).as(topic + " eventTime").isNotNull();
      assertThat(eventTime.schema().getLogicalType()).as(topic).isEqualTo(LogicalTypes.timestampMicros());
    });
  }
}
