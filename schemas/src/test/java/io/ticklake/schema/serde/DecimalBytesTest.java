package io.ticklake.schema.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticklake.schema.v1.BookDelta;
import io.ticklake.schema.v1.Candle;
import io.ticklake.schema.v1.Quote;
import io.ticklake.schema.v1.Trade;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.avro.AvroTypeException;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class DecimalBytesTest {
  private static final Conversions.DecimalConversion AVRO = new Conversions.DecimalConversion();
  private static final LogicalTypes.Decimal MODEL = LogicalTypes.decimal(38, 18);
  private static final Schema BYTES = MODEL.addToSchema(Schema.create(Schema.Type.BYTES));

  @Test
  void writesTheBytesAvroWritesForValuesOfEveryMagnitude() {
    List<BigDecimal> values = new ArrayList<>(List.of(
        BigDecimal.ZERO, Decimals.of("0"), Decimals.of("1E-18"), Decimals.of("-1E-18"), Decimals.of("61800.20"),
        Decimals.of("-61800.20"), Decimals.of("9.223372036854775807"), Decimals.of("9.223372036854775808"),
        Decimals.of("-9.223372036854775808"), Decimals.of("-9.223372036854775809"),
        Decimals.of("99999999999999999999.999999999999999999"), Decimals.of("-99999999999999999999.999999999999999999"),
        new BigDecimal("0.5"), new BigDecimal("127"), new BigDecimal("-128"), new BigDecimal("1E+3")));
    Random random = new Random(42);
    for (int i = 0; i < 20_000; i++) {
      BigInteger unscaled = new BigInteger(1 + random.nextInt(126), random);
      values.add(new BigDecimal(random.nextBoolean() ? unscaled : unscaled.negate(), 18));
      values.add(BigDecimal.valueOf(random.nextLong() >> random.nextInt(64), random.nextInt(19)));
    }
    for (BigDecimal v : values) {
      assertThat(array(DecimalBytes.toBytes(v, MODEL))).as(v.toPlainString()).isEqualTo(array(AVRO.toBytes(v, BYTES, MODEL)));
    }
  }

  @Test
  void refusesWhatAvroRefuses() {
    assertThatThrownBy(() -> DecimalBytes.toBytes(new BigDecimal("0.0000000000000000001"), MODEL))
        .isInstanceOf(AvroTypeException.class).hasMessageContaining("without rounding");
    assertThatThrownBy(() -> AVRO.toBytes(new BigDecimal("0.0000000000000000001"), BYTES, MODEL))
        .isInstanceOf(AvroTypeException.class);

    BigDecimal tooLarge = new BigDecimal("100000000000000000000");
    assertThatThrownBy(() -> DecimalBytes.toBytes(tooLarge, MODEL))
        .isInstanceOf(AvroTypeException.class).hasMessageContaining("max precision 38");
    assertThatThrownBy(() -> AVRO.toBytes(tooLarge, BYTES, MODEL)).isInstanceOf(AvroTypeException.class);

    LogicalTypes.Decimal small = LogicalTypes.decimal(4, 2); // 99.99 fits, 100.00 does not
    assertThat(array(DecimalBytes.toBytes(new BigDecimal("99.99"), small))).isEqualTo(new BigInteger("9999").toByteArray());
    assertThatThrownBy(() -> DecimalBytes.toBytes(new BigDecimal("100"), small)).isInstanceOf(AvroTypeException.class);
  }

  @Test
  void recordsEncodeAsAvrosOwnWriterEncodesThem() throws IOException {
    for (Class<? extends SpecificRecord> type : List.of(Trade.class, Quote.class, BookDelta.class, Candle.class)) {
      for (int seed = 0; seed < 20; seed++) {
        SpecificRecord record = SampleRecords.sample(type, seed);
        SpecificData model = SpecificData.getForClass(type);
        @SuppressWarnings("unchecked")
        DatumWriter<Object> avro = (DatumWriter<Object>) model.createDatumWriter(record.getSchema());
        assertThat(encode(DecimalBytes.writer(record.getSchema(), model), record)).as(type.getSimpleName())
            .isEqualTo(encode(avro, record));
      }
    }
    GenericData generic = AvroData.GENERIC;
    GenericData.Record record = new GenericData.Record(Trade.getClassSchema());
    Trade trade = SampleRecords.sample(Trade.class, 3);
    for (Schema.Field f : Trade.getClassSchema().getFields()) {
      Object v = trade.get(f.pos());
      record.put(f.pos(), v instanceof Enum<?> e ? new GenericData.EnumSymbol(f.schema(), e.name()) : v);
    }
    @SuppressWarnings("unchecked")
    DatumWriter<Object> avro = (DatumWriter<Object>) generic.createDatumWriter(record.getSchema());
    assertThat(encode(DecimalBytes.writer(record.getSchema(), generic), record)).isEqualTo(encode(avro, record));
  }

  private static byte[] encode(DatumWriter<Object> writer, Object datum) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    writer.write(datum, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  private static byte[] array(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return bytes;
  }
}
