package io.ticklake.schema.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticklake.schema.registry.Schemas;
import io.ticklake.schema.v1.Side;
import io.ticklake.schema.v1.Trade;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AvroWireSerdeTest {
  private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();

  private <T> AvroWireSerializer<T> serializer(Map<String, Object> extra) {
    Map<String, Object> config = new HashMap<>(extra);
    return new AvroWireSerializer<>(registry, config, false);
  }

  @Test
  void everyModelClassRoundTripsAsSpecificRecord() {
    AvroWireSerializer<SpecificRecord> serializer = serializer(Map.of());
    for (Class<? extends SpecificRecord> type : Schemas.V1_CLASSES) {
      SpecificRecord original = SampleRecords.sample(type, 3);
      byte[] bytes = serializer.serialize("md.test.v1", original);

      int id = registry.lookup("md.test.v1-value", Schemas.of(type));
      assertThat(bytes[0]).isZero();
      assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(id);

      @SuppressWarnings({"unchecked", "rawtypes"})
      AvroWireDeserializer<SpecificRecord> deserializer = new AvroWireDeserializer(registry, type);
      SpecificRecord read = deserializer.deserialize("md.test.v1", bytes);
      assertThat(read).as(type.getSimpleName()).isInstanceOf(type).isEqualTo(original);
    }
  }

  @Test
  void specificReaderSettingPicksTheGeneratedClass() {
    Trade trade = SampleRecords.sample(Trade.class, 7);
    byte[] bytes = serializer(Map.of()).serialize("t", trade);
    AvroWireDeserializer<Object> deserializer = new AvroWireDeserializer<>(registry);
    deserializer.configure(Map.of(AvroWireSerdeConfig.SPECIFIC_AVRO_READER_CONFIG, "true"), false);
    assertThat(deserializer.deserialize("t", bytes)).isEqualTo(trade);
  }

  @Test
  void genericRecordsKeepDecimalsAndTimestampsAsLogicalValues() {
    Trade trade = SampleRecords.sample(Trade.class, 1);
    byte[] bytes = serializer(Map.of()).serialize("t", trade);
    AvroWireDeserializer<GenericRecord> generic = new AvroWireDeserializer<>(registry);
    generic.configure(Map.of(), false);
    GenericRecord read = generic.deserialize("t", bytes);
    assertThat(read.get("price")).isEqualTo(trade.getPrice());
    assertThat(((BigDecimal) read.get("price")).scale()).isEqualTo(18);
    assertThat(read.get("eventTime")).isEqualTo(trade.getEventTime());

    // And the generic record written back is byte-identical to the specific one.
    byte[] again = serializer(Map.of()).serialize("t", read);
    assertThat(again).isEqualTo(bytes);
  }

  @Test
  void olderWriterSchemaResolvesToTheGeneratedClass() {
    // Trade as it might have been before marketTrade existed: the reader's default (true) fills in.
    Schema current = Trade.getClassSchema();
    SchemaBuilder.FieldAssembler<Schema> fields =
        SchemaBuilder.record("Trade").namespace("io.ticklake.schema.v1").fields();
    for (Schema.Field f : current.getFields()) {
      if (!f.name().equals("marketTrade")) {
        fields = fields.name(f.name()).type(f.schema()).noDefault();
      }
    }
    Schema older = fields.endRecord();
    GenericRecord old = new GenericData.Record(older);
    Trade sample = SampleRecords.sample(Trade.class, 2);
    for (Schema.Field f : older.getFields()) {
      old.put(f.name(), sample.get(f.name()));
    }
    old.put("side", new GenericData.EnumSymbol(older.getField("side").schema(), "SELL"));
    byte[] bytes = serializer(Map.of()).serialize("t", old);

    Trade read = new AvroWireDeserializer<>(registry, Trade.class).deserialize("t", bytes);
    assertThat(read.getMarketTrade()).isTrue();
    assertThat(read.getSide()).isEqualTo(Side.SELL);
    assertThat(read.getPrice()).isEqualTo(sample.getPrice());
  }

  @Test
  void subjectNameStrategies() {
    Trade trade = SampleRecords.sample(Trade.class, 0);
    serializer(Map.of(AvroWireSerdeConfig.VALUE_SUBJECT_NAME_STRATEGY_CONFIG, "io.confluent.kafka.serializers.subject.RecordNameStrategy"))
        .serialize("topic-a", trade);
    assertThat(registry.getLatest("io.ticklake.schema.v1.Trade").schema()).isEqualTo(Trade.getClassSchema());

    AvroWireSerializer<Object> keys = new AvroWireSerializer<>(registry, Map.of(), true);
    keys.serialize("topic-b", "binance-usdm:BTCUSDT");
    assertThat(registry.getLatest("topic-b-key").schema().getType()).isEqualTo(Schema.Type.STRING);

    serializer(Map.of(AvroWireSerdeConfig.VALUE_SUBJECT_NAME_STRATEGY_CONFIG, TopicRecordNameStrategy.class.getName()))
        .serialize("topic-c", trade);
    assertThat(registry.getLatest("topic-c-io.ticklake.schema.v1.Trade").id()).isPositive();
  }

  @Test
  void primitivesRoundTripAsPlainJavaTypes() {
    AvroWireSerializer<Object> serializer = serializer(Map.of());
    AvroWireDeserializer<Object> deserializer = new AvroWireDeserializer<>(registry);
    deserializer.configure(Map.of(), false);
    assertThat(deserializer.deserialize("p", serializer.serialize("p", "BTCUSDT"))).isEqualTo("BTCUSDT");
    assertThat(deserializer.deserialize("p", serializer.serialize("p", 42L))).isEqualTo(42L);
    assertThat((byte[]) deserializer.deserialize("p", serializer.serialize("p", new byte[] {1, 2})))
        .containsExactly(1, 2);
    assertThat(serializer.serialize("p", null)).isNull();
    assertThat(deserializer.deserialize("p", null)).isNull();
  }

  @Test
  void withoutAutoRegisterTheSchemaMustExist() {
    AvroWireSerializer<Trade> serializer =
        serializer(Map.of(AvroWireSerdeConfig.AUTO_REGISTER_SCHEMAS_CONFIG, "false"));
    Trade trade = SampleRecords.sample(Trade.class, 0);
    assertThatThrownBy(() -> serializer.serialize("unregistered", trade))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("look up")
        .hasMessageContaining("unregistered-value");
    int id = registry.register("unregistered-value", Trade.getClassSchema());
    assertThat(ByteBuffer.wrap(serializer.serialize("unregistered", trade), 1, 4).getInt()).isEqualTo(id);
  }

  @Test
  void useLatestVersionWritesWithTheRegisteredSchemaId() {
    int id = registry.register("latest-value", Trade.getClassSchema());
    AvroWireSerializer<Trade> serializer =
        serializer(Map.of(AvroWireSerdeConfig.USE_LATEST_VERSION_CONFIG, true));
    byte[] bytes = serializer.serialize("latest", SampleRecords.sample(Trade.class, 0));
    assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(id);
  }

  @Test
  void unknownMagicByteFailsClearly() {
    AvroWireDeserializer<Trade> deserializer = new AvroWireDeserializer<>(registry, Trade.class);
    assertThatThrownBy(() -> deserializer.deserialize("t", new byte[] {1, 0, 0, 0, 1, 2}))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("Unknown magic byte 0x01");
    assertThatThrownBy(() -> deserializer.deserialize("t", new byte[] {0, 0}))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("shorter than");
    assertThatThrownBy(() -> deserializer.deserialize("t", new byte[] {0, 0, 0, 0, 99, 2}))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("schema id 99");
  }

  @Test
  void serdeRoundTripsForAClass() {
    AvroWireSerde<Trade> serde = new AvroWireSerde<>(registry, Trade.class);
    serde.configure(Map.of(), false);
    Trade trade = SampleRecords.sample(Trade.class, 0);
    assertThat(serde.deserializer().deserialize("t", serde.serializer().serialize("t", trade))).isEqualTo(trade);
  }

  @Test
  void timestampsSurviveANonUtcDefaultZone() {
    Trade trade = SampleRecords.sample(Trade.class, 0);
    trade.setEventTime(Instant.parse("2024-03-31T01:30:00.000001Z")); // the Vienna DST switch
    byte[] bytes = serializer(Map.of()).serialize("t", trade);
    assertThat(new AvroWireDeserializer<>(registry, Trade.class).deserialize("t", bytes).getEventTime())
        .isEqualTo(Instant.parse("2024-03-31T01:30:00.000001Z"));
  }

  @Test
  void aWriteThatFailedHalfwayLeavesNothingInTheNextRecord() {
    AvroWireSerializer<Trade> serializer = serializer(Map.of());
    Trade good = SampleRecords.sample(Trade.class, 4);
    byte[] expected = serializer.serialize("t", good);
    Trade broken = SampleRecords.sample(Trade.class, 5);
    broken.setChannel(null); // required, and written after venue, symbol, id, side, price and size
    assertThatThrownBy(() -> serializer.serialize("t", broken)).isInstanceOf(SerializationException.class);

    assertThat(serializer.serialize("t", good)).isEqualTo(expected);
    assertThat(new AvroWireDeserializer<>(registry, Trade.class).deserialize("t", expected)).isEqualTo(good);
  }
}
