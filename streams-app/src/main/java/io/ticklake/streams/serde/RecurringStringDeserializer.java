package io.ticklake.streams.serde;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * A UTF-8 String deserializer that hands out the same String for bytes it decoded a moment ago.
 * Record keys here are a few {@code venue:symbol} pairs, decoded for every record and then hashed
 * for every state lookup: one String per key keeps its hash, and decoding turns into a comparison
 * of a few bytes. A small direct-mapped table (a newer key takes an older one's slot), safe to
 * share between threads: a slot is replaced whole, and a miss only decodes.
 */
public final class RecurringStringDeserializer implements Deserializer<String> {
  private static final int SLOTS = 256;
  /** Longer values are decoded every time: no key here comes close. */
  private static final int MAX_CACHED_BYTES = 64;

  private final Slot[] slots = new Slot[SLOTS];

  private record Slot(byte[] bytes, String value) {}

  @Override
  public String deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    if (data.length > MAX_CACHED_BYTES) {
      return new String(data, StandardCharsets.UTF_8);
    }
    int h = 1;
    for (byte b : data) {
      h = 31 * h + b;
    }
    int i = (h ^ (h >>> 16)) & (SLOTS - 1);
    Slot slot = slots[i];
    if (slot != null && Arrays.equals(slot.bytes, data)) {
      return slot.value;
    }
    String value = new String(data, StandardCharsets.UTF_8);
    slots[i] = new Slot(data.clone(), value);
    return value;
  }
}
