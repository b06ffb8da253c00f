package io.ticklake.schema.serde;

import java.nio.ByteBuffer;
import org.apache.avro.Conversions;
import org.apache.avro.Schema;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;

/** Data models and schemas of the values the wire-format serde accepts. */
final class AvroData {

  /**
   * The model for generic records: logical types map to {@code BigDecimal}, {@code Instant},
   * {@code LocalDate}, ... as they do in the generated classes. Plain {@code ByteBuffer} and
   * {@code long} values are still written as they are.
   */
  static final GenericData GENERIC = genericWithConversions();

  private static final Schema NULL = Schema.create(Schema.Type.NULL);
  private static final Schema BOOLEAN = Schema.create(Schema.Type.BOOLEAN);
  private static final Schema INT = Schema.create(Schema.Type.INT);
  private static final Schema LONG = Schema.create(Schema.Type.LONG);
  private static final Schema FLOAT = Schema.create(Schema.Type.FLOAT);
  private static final Schema DOUBLE = Schema.create(Schema.Type.DOUBLE);
  private static final Schema STRING = Schema.create(Schema.Type.STRING);
  private static final Schema BYTES = Schema.create(Schema.Type.BYTES);

  private AvroData() {}

  /** The model that knows the logical-type conversions of a generated class. */
  static GenericData modelFor(Object datum) {
    return datum instanceof SpecificRecord ? SpecificData.getForClass(datum.getClass()) : GENERIC;
  }

  /** The schema of a record, enum, fixed or array container, or of a boxed primitive. */
  static Schema schemaOf(Object datum) {
    if (datum instanceof GenericContainer container) {
      return container.getSchema();
    }
    if (datum == null) {
      return NULL;
    }
    if (datum instanceof Boolean) {
      return BOOLEAN;
    }
    if (datum instanceof Integer) {
      return INT;
    }
    if (datum instanceof Long) {
      return LONG;
    }
    if (datum instanceof Float) {
      return FLOAT;
    }
    if (datum instanceof Double) {
      return DOUBLE;
    }
    if (datum instanceof CharSequence) {
      return STRING;
    }
    if (datum instanceof byte[] || datum instanceof ByteBuffer) {
      return BYTES;
    }
    throw new SerializationException(
        "cannot serialize " + datum.getClass().getName() + " as Avro: not a record nor a primitive");
  }

  /** What the datum writer expects: a ByteBuffer for bytes. */
  static Object toAvro(Object datum) {
    return datum instanceof byte[] bytes ? ByteBuffer.wrap(bytes) : datum;
  }

  /** Top-level primitives back to plain Java types: String for strings, byte[] for bytes. */
  static Object fromAvro(Object datum) {
    if (datum instanceof org.apache.avro.util.Utf8 utf8) {
      return utf8.toString();
    }
    if (datum instanceof ByteBuffer buffer) {
      byte[] bytes = new byte[buffer.remaining()];
      buffer.duplicate().get(bytes);
      return bytes;
    }
    return datum;
  }

  private static GenericData genericWithConversions() {
    GenericData data = new GenericData();
    data.addLogicalTypeConversion(new Conversions.DecimalConversion());
    data.addLogicalTypeConversion(new Conversions.UUIDConversion());
    data.addLogicalTypeConversion(new TimeConversions.DateConversion());
    data.addLogicalTypeConversion(new TimeConversions.TimeMillisConversion());
    data.addLogicalTypeConversion(new TimeConversions.TimeMicrosConversion());
    data.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
    data.addLogicalTypeConversion(new TimeConversions.TimestampMicrosConversion());
    data.addLogicalTypeConversion(new TimeConversions.LocalTimestampMillisConversion());
    data.addLogicalTypeConversion(new TimeConversions.LocalTimestampMicrosConversion());
    return data;
  }
}
