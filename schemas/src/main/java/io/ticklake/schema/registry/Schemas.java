package io.ticklake.schema.registry;

import io.ticklake.schema.v1.BookDelta;
import io.ticklake.schema.v1.Candle;
import io.ticklake.schema.v1.Cvd;
import io.ticklake.schema.v1.DataQualityEvent;
import io.ticklake.schema.v1.DeadLetter;
import io.ticklake.schema.v1.GapEvent;
import io.ticklake.schema.v1.Ofi;
import io.ticklake.schema.v1.Quote;
import io.ticklake.schema.v1.Trade;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * The v1 market-data model: every top-level record class with its schema, for tests and tools
 * (register them all, check them all). {@code Level} and {@code Side} are only parts of other
 * records and are not listed.
 */
public final class Schemas {

  /** The top-level v1 record classes, in a fixed order. */
  public static final List<Class<? extends SpecificRecord>> V1_CLASSES =
      List.of(
          Trade.class,
          Quote.class,
          BookDelta.class,
          Candle.class,
          Ofi.class,
          Cvd.class,
          GapEvent.class,
          DataQualityEvent.class,
          DeadLetter.class);

  private static final Map<Class<? extends SpecificRecord>, Schema> BY_CLASS = byClass();

  private Schemas() {}

  /** Each v1 class with its {@code SCHEMA$}, in {@link #V1_CLASSES} order. */
  public static Map<Class<? extends SpecificRecord>, Schema> v1() {
    return BY_CLASS;
  }

  /** The schemas of {@link #V1_CLASSES}, in order. */
  public static List<Schema> v1Schemas() {
    return List.copyOf(BY_CLASS.values());
  }

  /** The schema of a generated record class ({@code SCHEMA$}). */
  public static Schema of(Class<? extends SpecificRecord> type) {
    Schema schema = BY_CLASS.get(type);
    return schema != null ? schema : SpecificData.getForClass(type).getSchema(type);
  }

  private static Map<Class<? extends SpecificRecord>, Schema> byClass() {
    Map<Class<? extends SpecificRecord>, Schema> map = new LinkedHashMap<>();
    for (Class<? extends SpecificRecord> type : V1_CLASSES) {
      map.put(type, SpecificData.getForClass(type).getSchema(type));
    }
    return java.util.Collections.unmodifiableMap(map);
  }
}
