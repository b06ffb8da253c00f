package io.ticklake.streams.internal;

import java.nio.ByteBuffer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * When a stream of one key was last seen (wall clock), the event time of its last record, and
 * whether it has been reported stale since. State of the stale-stream check.
 */
public record StreamActivity(long lastWallMs, long lastEventMs, boolean reported) {

  /** A fixed 17-byte encoding. */
  public static Serde<StreamActivity> serde() {
    Serializer<StreamActivity> ser =
        (topic, a) ->
            a == null
                ? null
                : ByteBuffer.allocate(17)
                    .putLong(a.lastWallMs)
                    .putLong(a.lastEventMs)
                    .put((byte) (a.reported ? 1 : 0))
                    .array();
    Deserializer<StreamActivity> de =
        (topic, bytes) -> {
          if (bytes == null) {
            return null;
          }
          ByteBuffer b = ByteBuffer.wrap(bytes);
          return new StreamActivity(b.getLong(), b.getLong(), b.get() == 1);
        };
    return Serdes.serdeFrom(ser, de);
  }
}
