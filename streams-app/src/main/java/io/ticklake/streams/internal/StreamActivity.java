package io.ticklake.streams.internal;

import java.nio.ByteBuffer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * When a stream of one key was last seen (wall clock), the event time and sequence (a trade id;
 * {@link #NO_SEQUENCE} when the stream has none) of its last record, and whether it has been
 * reported stale since. State of the stale-stream check.
 */
public record StreamActivity(long lastWallMs, long lastEventMs, boolean reported, long lastSequence) {
  public static final long NO_SEQUENCE = Long.MIN_VALUE;

  public StreamActivity(long lastWallMs, long lastEventMs, boolean reported) {
    this(lastWallMs, lastEventMs, reported, NO_SEQUENCE);
  }

  /** A fixed 25-byte encoding (17 bytes, without the sequence, as written before it was kept). */
  public static Serde<StreamActivity> serde() {
    Serializer<StreamActivity> ser =
        (topic, a) ->
            a == null
                ? null
                : ByteBuffer.allocate(25)
                    .putLong(a.lastWallMs)
                    .putLong(a.lastEventMs)
                    .put((byte) (a.reported ? 1 : 0))
                    .putLong(a.lastSequence)
                    .array();
    Deserializer<StreamActivity> de =
        (topic, bytes) -> {
          if (bytes == null) {
            return null;
          }
          ByteBuffer b = ByteBuffer.wrap(bytes);
          return new StreamActivity(b.getLong(), b.getLong(), b.get() == 1, b.remaining() >= 8 ? b.getLong() : NO_SEQUENCE);
        };
    return Serdes.serdeFrom(ser, de);
  }
}
