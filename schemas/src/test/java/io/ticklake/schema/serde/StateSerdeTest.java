package io.ticklake.schema.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticklake.schema.registry.Schemas;
import io.ticklake.schema.v1.Candle;
import io.ticklake.schema.v1.Quote;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class StateSerdeTest {

  @Test
  void everyModelClassRoundTrips() {
    for (Class<? extends SpecificRecord> type : Schemas.V1_CLASSES) {
      roundTripsEverySample(type);
    }
  }

  private static <T extends SpecificRecord> void roundTripsEverySample(Class<T> type) {
    StateSerde<T> serde = new StateSerde<>(type);
    for (int seed = 0; seed < 4; seed++) {
      T original = SampleRecords.sample(type, seed);
      assertThat(serde.deserialize("s", serde.serialize("s", original))).as(type.getSimpleName()).isEqualTo(original);
    }
  }

  @Test
  void nullBranchesOfUnionsRoundTrip() {
    StateSerde<Candle> serde = new StateSerde<>(Candle.class);
    Candle candle = SampleRecords.sample(Candle.class, 1);
    candle.setVwap(null);
    candle.setQuoteVolume(null);
    candle.setTakerSellVolume(null);
    assertThat(serde.deserialize("s", serde.serialize("s", candle))).isEqualTo(candle);

    StateSerde<Quote> quotes = new StateSerde<>(Quote.class);
    Quote quote = SampleRecords.sample(Quote.class, 2);
    quote.setUpdateId(null);
    quote.setTransactTime(null);
    assertThat(quotes.deserialize("s", quotes.serialize("s", quote))).isEqualTo(quote);
  }

  @Test
  void decimalsKeepValueAndScaleWhetherTheyFitALongOrNot() {
    StateSerde<Quote> serde = new StateSerde<>(Quote.class);
    List<BigDecimal> values =
        List.of(
            Decimals.of("0"),
            Decimals.of("-0.000000000000000001"),
            Decimals.of("9.223372036854775807"), // Long.MAX_VALUE unscaled
            Decimals.of("9.223372036854775808"), // one past it
            Decimals.of("-9.223372036854775808"), // Long.MIN_VALUE unscaled
            Decimals.of("60123.45"),
            Decimals.of("-99999999999999999999.999999999999999999"),
            new BigDecimal("1.5")); // a scale other than 18 is kept as it is
    for (BigDecimal v : values) {
      Quote quote = SampleRecords.sample(Quote.class, 0);
      quote.setBidPrice(v);
      BigDecimal read = serde.deserialize("s", serde.serialize("s", quote)).getBidPrice();
      assertThat(read).as(v.toPlainString()).isEqualTo(v);
      assertThat(read.scale()).isEqualTo(v.scale());
    }
  }

  @Test
  void timestampsKeepTheirMicrosecondsBeforeAndAfterTheEpoch() {
    StateSerde<Quote> serde = new StateSerde<>(Quote.class);
    for (String t : List.of("2024-03-31T01:30:00.000001Z", "1969-12-31T23:59:59.999999Z", "1970-01-01T00:00:00Z")) {
      Quote quote = SampleRecords.sample(Quote.class, 0);
      quote.setEventTime(Instant.parse(t));
      assertThat(serde.deserialize("s", serde.serialize("s", quote)).getEventTime()).isEqualTo(Instant.parse(t));
    }
  }

  @Test
  void stateOfAnotherSchemaOrFormatIsRefusedNamingTheRemedy() {
    StateSerde<Candle> serde = new StateSerde<>(Candle.class);
    byte[] bytes = serde.serialize("s", SampleRecords.sample(Candle.class, 0));
    bytes[3] ^= 1; // the fingerprint
    assertThatThrownBy(() -> serde.deserialize("app-ohlcv-1m-store-changelog", bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("another schema")
        .hasMessageContaining("app-ohlcv-1m-store-changelog")
        .hasMessageContaining("reset the application's state");

    byte[] wire = new AvroWireSerializer<Candle>(new InMemorySchemaRegistryClient(), java.util.Map.of(), false)
        .serialize("t", SampleRecords.sample(Candle.class, 0));
    assertThatThrownBy(() -> serde.deserialize("s", wire))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("not in the state format");
  }

  @Test
  void truncatedStateFailsClearly() {
    StateSerde<Candle> serde = new StateSerde<>(Candle.class);
    byte[] bytes = serde.serialize("s", SampleRecords.sample(Candle.class, 0));
    byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length - 3);
    assertThatThrownBy(() -> serde.deserialize("s", cut))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("could not decode io.ticklake.schema.v1.Candle");
    assertThat(serde.serialize("s", null)).isNull();
    assertThat(serde.deserialize("s", null)).isNull();
  }

  @Test
  void listsOfRecordsRoundTrip() {
    var serde = new StateSerde<>(io.ticklake.schema.v1.Ofi.class).listSerde();
    var list = List.of(SampleRecords.sample(io.ticklake.schema.v1.Ofi.class, 1), SampleRecords.sample(io.ticklake.schema.v1.Ofi.class, 2));
    assertThat(serde.deserializer().deserialize("s", serde.serializer().serialize("s", list))).isEqualTo(list);
    assertThat(serde.deserializer().deserialize("s", serde.serializer().serialize("s", List.of()))).isEmpty();
    byte[] one = serde.serializer().serialize("s", list.subList(0, 1));
    assertThatThrownBy(() -> new StateSerde<>(Candle.class).listSerde().deserializer().deserialize("s", one))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("another schema");
  }

  @Test
  void theFingerprintFollowsTheShapeNotTheDocs() {
    org.apache.avro.Schema a = new org.apache.avro.Schema.Parser().parse(
        "{\"type\":\"record\",\"name\":\"R\",\"doc\":\"one\",\"fields\":[{\"name\":\"x\",\"type\":\"long\",\"doc\":\"a\"}]}");
    org.apache.avro.Schema b = new org.apache.avro.Schema.Parser().parse(
        "{\"type\":\"record\",\"name\":\"R\",\"doc\":\"two\",\"fields\":[{\"name\":\"x\",\"type\":\"long\",\"doc\":\"b\"}]}");
    org.apache.avro.Schema c = new org.apache.avro.Schema.Parser().parse(
        "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"x\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-micros\"}}]}");
    assertThat(StateSerde.shape(a)).isEqualTo(StateSerde.shape(b));
    assertThat(StateSerde.shape(a)).isNotEqualTo(StateSerde.shape(c));
  }

  @Test
  void aListIsNotReadAsOneRecordNorTheReverse() {
    StateSerde<Candle> serde = new StateSerde<>(Candle.class);
    byte[] one = serde.serialize("s", SampleRecords.sample(Candle.class, 0));
    assertThatThrownBy(() -> serde.listSerde().deserializer().deserialize("s", one))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("not in the state format 2");
    byte[] list = serde.listSerde().serializer().serialize("s", List.of(SampleRecords.sample(Candle.class, 0)));
    assertThatThrownBy(() -> serde.deserialize("s", list))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("not in the state format 1");
  }
}
