package io.ticklake.streams.internal;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A key-value store's values held as objects in front of it, so a processor that reads a key's
 * state for every record does not decode it every time (Kafka Streams' cache keeps bytes). Reads
 * go to the store once per key; every write goes through to the store, which stays the state that
 * is logged and restored. Create it in the processor's {@code init}: when a task is revived its
 * stores may be restored from their changelogs, and what was mirrored before is then stale.
 */
public final class StoreMirror<V> {
  private final KeyValueStore<String, V> store;
  private final Map<String, V> values = new HashMap<>();

  public StoreMirror(KeyValueStore<String, V> store) {
    this.store = store;
  }

  /** The key's value, or null. */
  public V get(String key) {
    V v = values.get(key);
    if (v == null) {
      v = store.get(key);
      if (v != null) {
        values.put(key, v);
      }
    }
    return v;
  }

  /** Writes the value to the store and keeps it. */
  public void put(String key, V value) {
    store.put(key, value);
    values.put(key, value);
  }
}
