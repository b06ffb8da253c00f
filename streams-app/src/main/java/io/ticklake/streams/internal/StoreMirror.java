package io.ticklake.streams.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * A key-value store's values held as objects in front of it, for a processor that reads and
 * changes a key's state with every record. Kafka Streams' record cache keeps bytes, so a store
 * written per record encodes its value per record, and that was about a third of the topology's
 * work. Here a changed value is only marked; the task writes the marked values to the store once
 * per commit, when it flushes its caches, before it sends its changelog records and commits its
 * output and input offsets. The changelog therefore holds, at every commit, the state as of that
 * commit, exactly as if each record had written through.
 *
 * <p>The store must be built by {@link #builder}: its outermost layer of our own is a {@link
 * FlushingStore} that runs the mirror's write before the store's cache is flushed. That hook is
 * Kafka Streams' {@code CachedStateStore.flushCache}, which a task calls on every store when it
 * prepares a commit, before its changelog records are flushed and its offsets committed (and,
 * only in Kafka's experimental processing-threads mode, when a task is taken off a thread). It is
 * an internal interface of Kafka Streams, the one its own caching stores use, so an upgrade of
 * Kafka must keep {@code StoreMirrorTest} green.
 *
 * <p>One processor per store: a store keeps the write of the mirror created last, so a second
 * processor's mirror of the same store would take the first one's place.
 *
 * <p>A value written at the flush carries the timestamp of the task's current record, the last one
 * processed (Kafka's cache takes it at the write), not that of the record that last changed it.
 *
 * <p>Interactive queries read the store, not the objects: they see the state of the last commit
 * (at most a commit interval old, 100 ms by default) and never an object the stream thread is
 * changing. Create the mirror in the processor's {@code init}: a task revived after an error
 * restores its stores from the changelog, and what was mirrored before is then stale.
 */
public final class StoreMirror<V> {
  private final KeyValueStore<String, V> store;
  private final Map<String, Entry<V>> entries = new HashMap<>();
  /** Entries put since the last flush, in the order first put. */
  private final List<Entry<V>> dirty = new ArrayList<>();
  /** The entry of the last get or put: a processor reads a key's state and then puts it back. */
  private Entry<V> last;

  /** A key's value, and whether the store has yet to get it. */
  private static final class Entry<V> {
    final String key;
    V value;
    boolean dirty;

    Entry(String key, V value) {
      this.key = key;
      this.value = value;
    }
  }

  private StoreMirror(KeyValueStore<String, V> store) {
    this.store = store;
  }

  /**
   * The mirror of the processor's store {@code name}, which {@link #builder} built; its values are
   * written to the store at each commit from now on.
   *
   * @throws IllegalStateException if the store was built otherwise (nothing would ever write it)
   */
  public static <V> StoreMirror<V> of(ProcessingContext context, String name) {
    KeyValueStore<String, V> store = context.getStateStore(name);
    StoreMirror<V> mirror = new StoreMirror<>(store);
    FlushingStore.find(store, name).beforeFlush(mirror::flush);
    return mirror;
  }

  /** A persistent, logged and cached key-value store of String keys that a mirror can front. */
  public static <V> StoreBuilder<KeyValueStore<String, V>> builder(String name, Serde<V> valueSerde) {
    return new FlushingStore.Builder<>(
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), valueSerde).withCachingEnabled());
  }

  /** The key's value, or null. A value put before is returned as put (the same object). */
  public V get(String key) {
    Entry<V> e = entry(key);
    if (e == null) {
      V v = store.get(key);
      if (v == null) {
        return null;
      }
      e = new Entry<>(key, v);
      entries.put(key, e);
      last = e;
    }
    return e.value;
  }

  /**
   * Keeps the value and marks the key: the store gets the value as it stands at the next commit,
   * so a value changed in place after this is written as changed.
   */
  public void put(String key, V value) {
    Entry<V> e = entry(key);
    if (e == null) {
      e = new Entry<>(key, value);
      entries.put(key, e);
      last = e;
    } else {
      e.value = value;
    }
    if (!e.dirty) {
      e.dirty = true;
      dirty.add(e);
    }
  }

  private Entry<V> entry(String key) {
    Entry<V> e = last;
    if (e != null && (e.key == key || e.key.equals(key))) {
      return e;
    }
    e = entries.get(key);
    if (e != null) {
      last = e;
    }
    return e;
  }

  /** Writes every marked value to the store. */
  void flush() {
    if (dirty.isEmpty()) {
      return;
    }
    for (Entry<V> e : dirty) {
      store.put(e.key, e.value);
      e.dirty = false;
    }
    dirty.clear();
  }

  /**
   * Our layer of a mirrored store, around Kafka's (metered, caching, logging, RocksDB): a key-value
   * store that passes everything to the store it wraps, and runs its mirror's write just before
   * the wrapped cache is flushed. It implements no
   * behaviour of its own for readers, so interactive queries and the changelog see the wrapped
   * store.
   */
  static final class FlushingStore<V> extends WrappedStateStore<KeyValueStore<String, V>, String, V>
      implements KeyValueStore<String, V> {
    private Runnable beforeFlush;

    FlushingStore(KeyValueStore<String, V> wrapped) {
      super(wrapped);
    }

    /** The flushing layer under the store a processor was given (Kafka wraps it once more). */
    static <V> FlushingStore<V> find(StateStore store, String name) {
      StateStore s = store;
      while (true) {
        if (s instanceof FlushingStore<?> f) {
          @SuppressWarnings("unchecked")
          FlushingStore<V> typed = (FlushingStore<V>) f;
          return typed;
        }
        if (!(s instanceof WrappedStateStore<?, ?, ?> w)) {
          throw new IllegalStateException(
              "Store " + name + " was not built by StoreMirror.builder: a mirror of it would never be written");
        }
        s = w.wrapped();
      }
    }

    /** Sets what runs before each flush of the cache (the newest mirror's write). */
    void beforeFlush(Runnable action) {
      this.beforeFlush = action;
    }

    @Override
    public void flushCache() {
      Runnable action = beforeFlush;
      if (action != null) {
        action.run();
      }
      super.flushCache();
    }

    @Override
    public void clearCache() {
      beforeFlush = null; // the task drops what it has not committed; its processors start over
      super.clearCache();
    }

    @Override
    public void close() {
      beforeFlush = null;
      super.close();
    }

    @Override
    public void put(String key, V value) {
      wrapped().put(key, value);
    }

    @Override
    public V putIfAbsent(String key, V value) {
      return wrapped().putIfAbsent(key, value);
    }

    @Override
    public void putAll(List<KeyValue<String, V>> entries) {
      wrapped().putAll(entries);
    }

    @Override
    public V delete(String key) {
      return wrapped().delete(key);
    }

    @Override
    public V get(String key) {
      return wrapped().get(key);
    }

    @Override
    public KeyValueIterator<String, V> range(String from, String to) {
      return wrapped().range(from, to);
    }

    @Override
    public KeyValueIterator<String, V> reverseRange(String from, String to) {
      return wrapped().reverseRange(from, to);
    }

    @Override
    public KeyValueIterator<String, V> all() {
      return wrapped().all();
    }

    @Override
    public KeyValueIterator<String, V> reverseAll() {
      return wrapped().reverseAll();
    }

    @Override
    public <PS extends Serializer<P>, P> KeyValueIterator<String, V> prefixScan(P prefix, PS prefixKeySerializer) {
      return wrapped().prefixScan(prefix, prefixKeySerializer);
    }

    @Override
    public long approximateNumEntries() {
      return wrapped().approximateNumEntries();
    }

    /** Builds the store as the given builder does, with this layer outside. */
    static final class Builder<V> implements StoreBuilder<KeyValueStore<String, V>> {
      private final StoreBuilder<KeyValueStore<String, V>> inner;

      Builder(StoreBuilder<KeyValueStore<String, V>> inner) {
        this.inner = inner;
      }

      @Override
      public StoreBuilder<KeyValueStore<String, V>> withCachingEnabled() {
        inner.withCachingEnabled();
        return this;
      }

      @Override
      public StoreBuilder<KeyValueStore<String, V>> withCachingDisabled() {
        inner.withCachingDisabled();
        return this;
      }

      @Override
      public StoreBuilder<KeyValueStore<String, V>> withLoggingEnabled(Map<String, String> config) {
        inner.withLoggingEnabled(config);
        return this;
      }

      @Override
      public StoreBuilder<KeyValueStore<String, V>> withLoggingDisabled() {
        inner.withLoggingDisabled();
        return this;
      }

      @Override
      public KeyValueStore<String, V> build() {
        return new FlushingStore<>(inner.build());
      }

      @Override
      public Map<String, String> logConfig() {
        return inner.logConfig();
      }

      @Override
      public boolean loggingEnabled() {
        return inner.loggingEnabled();
      }

      @Override
      public String name() {
        return inner.name();
      }
    }
  }
}
