package io.ticklake.schema.serde;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/** Fills every field of a generated record from its schema, so each model class has a sample. */
public final class SampleRecords {
  private SampleRecords() {}

  @SuppressWarnings("unchecked")
  public static <T extends SpecificRecord> T sample(Class<T> type, int seed) {
    SpecificData model = SpecificData.getForClass(type);
    return (T) value(model, model.getSchema(type), seed);
  }

  private static Object value(SpecificData model, Schema schema, int seed) {
    if (schema.getLogicalType() instanceof LogicalTypes.Decimal) {
      return Decimals.of("-12345.000000000000000001").add(BigDecimal.valueOf(seed));
    }
    if (schema.getLogicalType() instanceof LogicalTypes.TimestampMicros) {
      return Instant.parse("2024-05-01T23:59:59.123456Z").plusSeconds(seed);
    }
    switch (schema.getType()) {
      case RECORD:
        SpecificRecord record = (SpecificRecord) model.newRecord(null, schema);
        for (Schema.Field field : schema.getFields()) {
          record.put(field.pos(), value(model, field.schema(), seed + field.pos()));
        }
        return record;
      case UNION:
        // The first branch that is not null (["null", T] and ["long", "null"] both fill T).
        Schema branch = schema.getTypes().stream().filter(t -> t.getType() != Schema.Type.NULL).findFirst()
            .orElseThrow();
        return value(model, branch, seed);
      case ARRAY:
        List<Object> list = new ArrayList<>();
        list.add(value(model, schema.getElementType(), seed));
        list.add(value(model, schema.getElementType(), seed + 1));
        return list;
      case ENUM:
        return model.createEnum(schema.getEnumSymbols().get(seed % schema.getEnumSymbols().size()), schema);
      case STRING:
        return "s" + seed + "-ü";
      case BYTES:
        return ByteBuffer.wrap(("payload " + seed).getBytes(StandardCharsets.UTF_8));
      case LONG:
        return 1_000_000_000_000L + seed;
      case INT:
        return seed;
      case BOOLEAN:
        return seed % 2 == 0;
      case DOUBLE:
        return seed + 0.5;
      default:
        throw new IllegalArgumentException("no sample for " + schema);
    }
  }
}
