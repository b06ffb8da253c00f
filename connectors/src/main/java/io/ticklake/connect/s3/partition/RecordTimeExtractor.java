package io.ticklake.connect.s3.partition;

import java.util.List;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * The record time, in UTC microseconds, that places a record in its time partition and drives
 * {@code rotate.interval.ms}: a field of the value ({@code RecordField}) or the Kafka record
 * timestamp ({@code Record}). Never the wall clock, so a replay lands in the same files.
 */
public final class RecordTimeExtractor {
  private final boolean fromKafkaTimestamp;
  private final List<String> fields;

  public RecordTimeExtractor(boolean fromKafkaTimestamp, List<String> fields) {
    this.fromKafkaTimestamp = fromKafkaTimestamp;
    this.fields = List.copyOf(fields);
  }

  /**
   * @param kafkaTimestampMs the Kafka record timestamp, or null
   * @throws IllegalArgumentException if there is no usable time
   */
  public long micros(GenericRecord value, Long kafkaTimestampMs) {
    if (fromKafkaTimestamp) {
      if (kafkaTimestampMs == null || kafkaTimestampMs < 0) {
        throw new IllegalArgumentException("record has no Kafka timestamp");
      }
      return Math.multiplyExact(kafkaTimestampMs, 1000L);
    }
    for (String name : fields) {
      Schema.Field f = value.getSchema().getField(name);
      if (f == null) {
        continue;
      }
      Object v = value.get(f.pos());
      if (v instanceof Long l) {
        return isMillis(f.schema()) ? Math.multiplyExact(l, 1000L) : l;
      }
    }
    throw new IllegalArgumentException(
        "record " + value.getSchema().getFullName() + " has none of the timestamp fields " + fields);
  }

  private static boolean isMillis(Schema schema) {
    Schema s = schema;
    if (s.getType() == Schema.Type.UNION) {
      s = s.getTypes().stream().filter(t -> t.getType() == Schema.Type.LONG).findFirst().orElse(s);
    }
    LogicalType type = s.getLogicalType();
    return type instanceof LogicalTypes.TimestampMillis || type instanceof LogicalTypes.LocalTimestampMillis;
  }
}
