package io.ticklake.connect.s3.partition;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * Maps a record to its encoded partition, {@code <kind>/venue=<v>/symbol=<s>/<path.format>}: the
 * kind from the topic name, venue and symbol from the record, the time partition from the record
 * time in UTC. Values are percent-escaped so a symbol such as {@code BTC/USD} stays one segment.
 */
public final class LakePartitioner {
  /** The value used when a record has no symbol (venue-wide records); Hive's own default. */
  public static final String NO_VALUE = "__HIVE_DEFAULT_PARTITION__";

  private static final Pattern VERSION = Pattern.compile("v\\d+");

  private final DateTimeFormatter pathFormat;

  public LakePartitioner(DateTimeFormatter pathFormat) {
    this.pathFormat = pathFormat.withZone(ZoneOffset.UTC);
  }

  /**
   * The lake kind of a topic, as the model declares it ({@link io.ticklake.schema.topic.LakeKinds}):
   * {@code md.norm.trades.v1 -> trades}. A topic the model declares no kind for is refused by name:
   * its rows would have no primary key.
   */
  public static String kind(String topic) {
    return io.ticklake.schema.topic.LakeKinds.ofTopic(topic).name();
  }

  /**
   * The part of a topic's name between the stage and the version, {@code md.agg.ohlcv-1m.v1 ->
   * ohlcv-1m}, the convention the declared kinds follow.
   */
  public static String nameKind(String topic) {
    String[] parts = topic.split("\\.");
    int end = parts.length;
    if (end > 1 && VERSION.matcher(parts[end - 1]).matches()) {
      end--;
    }
    int start = parts.length >= 3 && parts[0].equals("md") ? 2 : 0;
    if (start >= end) {
      start = 0;
    }
    return escape(String.join(".", java.util.Arrays.copyOfRange(parts, start, end)));
  }

  /** The encoded partition of a record, without the topics.dir prefix. */
  public String encodedPartition(String topic, GenericRecord value, long timeMicros) {
    String venue = field(value, "venue");
    if (venue == null) {
      throw new IllegalArgumentException("record " + value.getSchema().getFullName() + " has no venue");
    }
    String symbol = field(value, "symbol");
    Instant time = Instant.EPOCH.plusNanos(Math.multiplyExact(timeMicros, 1000L));
    return kind(topic) + "/venue=" + escape(venue) + "/symbol=" + (symbol == null ? NO_VALUE : escape(symbol))
        + "/" + pathFormat.format(time);
  }

  private static String field(GenericRecord value, String name) {
    Schema.Field f = value.getSchema().getField(name);
    if (f == null) {
      return null;
    }
    Object v = value.get(f.pos());
    return v == null ? null : v.toString();
  }

  /** Percent-escapes everything but letters, digits and {@code - _ .}. */
  public static String escape(String value) {
    StringBuilder out = new StringBuilder(value.length());
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.') {
        out.append(c);
      } else {
        out.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    return out.toString();
  }
}
