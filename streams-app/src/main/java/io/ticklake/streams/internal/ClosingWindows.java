package io.ticklake.streams.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.kstream.Window;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tumbling windows per key, each emitted once, when it closes: when the stream time (the newest
 * record timestamp this processor has seen in its task) passes its end plus the grace. The same rule as Kafka
 * Streams' windowed aggregation with {@code emitStrategy(onWindowClose())}, which this replaced on
 * the two busiest paths of the topology (1-second OFI, 1-minute candles): that one decodes a
 * window's aggregate from its store and encodes it back for every record. Here a key's open
 * windows (one, plus the grace's worth) are held as objects in front of their store ({@link
 * StoreMirror}) and written to it once per commit, as they stand then: what is committed is what is
 * restored.
 *
 * <p>The stream time is kept in a store of its own (written when it closes windows of one more size),
 * so after a restart a record of a window that closed before it is late, not the start of that
 * window a second time.
 *
 * <p>A record for a window that has already closed is late: counted and logged (at most once a
 * minute, with the count), never added to a later window. Closed windows are forwarded as the
 * windowed aggregation's are (windowed key, the aggregate as it stands), for a {@link
 * WindowCloser}. With a history store, each closed window's aggregate is also kept there (a window
 * store, for the query API).
 *
 * @param <V> the records
 * @param <A> the aggregate
 */
public final class ClosingWindows<V, A> implements ProcessorSupplier<String, V, Windowed<String>, A> {
  private static final Logger log = LoggerFactory.getLogger(ClosingWindows.class);
  private static final long LATE_LOG_INTERVAL_MS = 60_000L;

  /** How records make an aggregate. */
  public interface Aggregation<V, A> {
    /** The empty aggregate of the window {@code [start, end)}. */
    A empty(Instant start, Instant end);

    /** Adds a record to the aggregate, in place. */
    void add(A aggregate, V value);

    /** Any instant inside the window of an open aggregate (its start, or its first record's time). */
    Instant someTimeIn(A aggregate);
  }

  private final String openStore;
  private final String historyStore;
  private final long sizeMs;
  private final long graceMs;
  private final Serde<List<A>> openSerde;
  private final StoreBuilder<WindowStore<String, A>> history;
  private final Aggregation<V, A> aggregation;

  /**
   * @param openStore the key-value store of each key's open windows, oldest first
   * @param history where closed windows are kept (its name is the history store), or null
   */
  public ClosingWindows(
      String openStore,
      Duration size,
      Duration grace,
      Serde<List<A>> openSerde,
      Aggregation<V, A> aggregation,
      StoreBuilder<WindowStore<String, A>> history) {
    this.openStore = openStore;
    this.sizeMs = size.toMillis();
    this.graceMs = grace.toMillis();
    this.openSerde = openSerde;
    this.aggregation = aggregation;
    this.history = history;
    this.historyStore = history == null ? null : history.name();
  }

  /** The start of the window of size {@code sizeMs} that holds {@code t}. */
  public static long windowStart(long t, long sizeMs) {
    return Math.floorDiv(t, sizeMs) * sizeMs;
  }

  @Override
  public Processor<String, V, Windowed<String>, A> get() {
    return new Processor<>() {
      private ProcessorContext<Windowed<String>, A> context;
      private StoreMirror<List<A>> open;
      private WindowStore<String, A> closed;
      /** Keys with at least one open window. */
      private final Set<String> keys = new HashSet<>();
      private long streamTime = Long.MIN_VALUE;
      /**
       * The stream time, written whenever it closes windows of one more size (once a second for
       * 1-second windows): after a restart, or a task revived from its stores, exactly the windows
       * that had closed are closed, and a late record stays late.
       */
      private KeyValueStore<String, Long> closedAt;
      private long persistedBound = Long.MIN_VALUE;
      /** The earliest time at which one of the open windows closes. */
      private long nextClose = Long.MAX_VALUE;
      private long late;
      private long lateLoggedAt = Long.MIN_VALUE;

      @Override
      public void init(ProcessorContext<Windowed<String>, A> context) {
        this.context = context;
        KeyValueStore<String, List<A>> store = context.getStateStore(openStore);
        this.open = StoreMirror.of(context, openStore);
        this.closed = historyStore == null ? null : context.getStateStore(historyStore);
        this.closedAt = context.getStateStore(timeStoreName(openStore));
        Long restored = closedAt.get(STREAM_TIME_KEY);
        streamTime = restored == null ? Long.MIN_VALUE : restored;
        persistedBound = restored == null ? Long.MIN_VALUE : closedBound(restored);
        keys.clear();
        nextClose = Long.MAX_VALUE;
        // The open windows of every key, as restored: a key that fell silent before a restart
        // still has its windows closed when the stream time moves on.
        try (KeyValueIterator<String, List<A>> it = store.all()) {
          while (it.hasNext()) {
            KeyValue<String, List<A>> kv = it.next();
            if (kv.value != null && !kv.value.isEmpty()) {
              keys.add(kv.key);
              nextClose = Math.min(nextClose, closesAt(kv.value.get(0)));
            }
          }
        }
      }

      @Override
      public void process(Record<String, V> record) {
        if (record.value() == null) {
          return;
        }
        long ts = record.timestamp();
        if (ts > streamTime) {
          streamTime = ts;
          long bound = closedBound(ts);
          if (bound > persistedBound) {
            persistedBound = bound;
            closedAt.put(STREAM_TIME_KEY, ts);
          }
        }
        long start = windowStart(ts, sizeMs);
        if (start + sizeMs + graceMs <= streamTime) {
          late(record.key(), start);
        } else {
          add(record.key(), record.value(), start);
        }
        if (streamTime >= nextClose) {
          closeThrough(streamTime);
        }
      }

      private void add(String key, V value, long start) {
        List<A> windows = open.get(key);
        windows = windows == null ? new ArrayList<>(2) : windows;
        int i = 0;
        while (i < windows.size() && startOf(windows.get(i)) < start) {
          i++;
        }
        if (i == windows.size() || startOf(windows.get(i)) != start) {
          A empty = aggregation.empty(Instant.ofEpochMilli(start), Instant.ofEpochMilli(start + sizeMs));
          aggregation.add(empty, value);
          windows.add(i, empty);
          nextClose = Math.min(nextClose, start + sizeMs + graceMs);
        } else {
          aggregation.add(windows.get(i), value);
        }
        keys.add(key);
        open.put(key, windows);
      }

      /**
       * Emits every window that closed by {@code now}, in time order across keys (then by key), as
       * Kafka's emit-on-close does: a rollup downstream with no grace would otherwise take one
       * key's next window for the end of another key's.
       */
      private void closeThrough(long now) {
        long next = Long.MAX_VALUE;
        List<Closed<A>> done = new ArrayList<>();
        for (Iterator<String> it = keys.iterator(); it.hasNext(); ) {
          String key = it.next();
          List<A> windows = open.get(key);
          int n = 0;
          while (windows != null && n < windows.size() && closesAt(windows.get(n)) <= now) {
            A window = windows.get(n++);
            done.add(new Closed<>(startOf(window), key, window));
          }
          if (n > 0) {
            List<A> rest = new ArrayList<>(windows.subList(n, windows.size()));
            open.put(key, rest);
            windows = rest;
          }
          if (windows == null || windows.isEmpty()) {
            it.remove();
          } else {
            next = Math.min(next, closesAt(windows.get(0)));
          }
        }
        nextClose = next;
        done.sort(Comparator.comparingLong((Closed<A> c) -> c.start).thenComparing(c -> c.key));
        for (Closed<A> c : done) {
          if (closed != null) {
            closed.put(c.key, c.window, c.start);
          }
          context.forward(new Record<>(new Windowed<>(c.key, new Tumbling(c.start, c.start + sizeMs)), c.window, c.start));
        }
      }

      /** How many windows have closed by stream time {@code t}: changes once per window size. */
      private long closedBound(long t) {
        return Math.floorDiv(t - graceMs, sizeMs);
      }

      private long startOf(A aggregate) {
        return windowStart(aggregation.someTimeIn(aggregate).toEpochMilli(), sizeMs);
      }

      private long closesAt(A aggregate) {
        return startOf(aggregate) + sizeMs + graceMs;
      }

      private void late(String key, long start) {
        late++;
        long now = context.currentSystemTimeMs();
        if (now - lateLoggedAt >= LATE_LOG_INTERVAL_MS) {
          lateLoggedAt = now;
          log.warn(
              "{}: record for the window at {} arrived after it closed (grace {} ms, stream time {}); not counted."
                  + " Late records so far in this task ({}): {}",
              key, Instant.ofEpochMilli(start), graceMs, Instant.ofEpochMilli(streamTime), openStore, late);
        }
      }
    };
  }

  /** The store of the stream time of the last close: {@code x-open-store} → {@code x-closed-at-store}. */
  public static String timeStoreName(String openStore) {
    String base = openStore.endsWith("-store") ? openStore.substring(0, openStore.length() - "-store".length()) : openStore;
    return (base.endsWith("-open") ? base.substring(0, base.length() - "-open".length()) : base) + "-closed-at-store";
  }

  private static final String STREAM_TIME_KEY = "stream-time";

  private record Closed<A>(long start, String key, A window) {}

  @Override
  public Set<StoreBuilder<?>> stores() {
    // Changed per record, written once per key and commit.
    StoreBuilder<KeyValueStore<String, List<A>>> openWindows = StoreMirror.builder(openStore, openSerde);
    StoreBuilder<KeyValueStore<String, Long>> time =
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(timeStoreName(openStore)), Serdes.String(), Serdes.Long())
            .withCachingEnabled(); // written per close
    return history == null ? Set.of(openWindows, time) : Set.of(openWindows, time, history);
  }

  /** A window {@code [start, end)} of these tumbling windows (Kafka's own class is internal). */
  static final class Tumbling extends Window {
    Tumbling(long startMs, long endMs) {
      super(startMs, endMs);
    }

    @Override
    public boolean overlap(Window other) {
      return startMs < other.end() && other.start() < endMs;
    }
  }
}
