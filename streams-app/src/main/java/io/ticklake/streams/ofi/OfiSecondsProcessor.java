package io.ticklake.streams.ofi;

import io.ticklake.schema.v1.Ofi;
import io.ticklake.streams.internal.StoreMirror;
import io.ticklake.streams.internal.WindowCloser;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sums OFI terms into 1-second windows per key and emits each window once, when it closes: when the
 * stream time (the newest term timestamp this task has seen) passes its end plus the grace. The
 * same rule as Kafka Streams' windowed aggregation with {@code emitStrategy(onWindowClose())},
 * which this replaced on the busiest path of the topology: that one decodes the window's aggregate
 * from its store and encodes it back for every term. Here a key's open seconds (at most
 * 1 + grace in seconds of them) are held as objects in front of their store ({@link StoreMirror});
 * each term still writes them through to the store, so what is committed is what is restored.
 *
 * <p>A term for a second that has already closed is late: it is counted and logged (at most once
 * a minute, with the count), not added to a later second. Closed seconds are forwarded keyed by
 * the plain key and stamped with the second's start, like {@link WindowCloser}'s.
 */
public final class OfiSecondsProcessor implements ProcessorSupplier<String, Ofi, String, Ofi> {
  private static final Logger log = LoggerFactory.getLogger(OfiSecondsProcessor.class);
  static final long SECOND_MS = 1_000L;
  private static final long LATE_LOG_INTERVAL_MS = 60_000L;

  private final String storeName;
  private final long graceMs;
  private final Serde<List<Ofi>> serde;

  public OfiSecondsProcessor(String storeName, Duration grace, Serde<List<Ofi>> serde) {
    this.storeName = storeName;
    this.graceMs = grace.toMillis();
    this.serde = serde;
  }

  @Override
  public Processor<String, Ofi, String, Ofi> get() {
    return new Processor<>() {
      private ProcessorContext<String, Ofi> context;
      private KeyValueStore<String, List<Ofi>> store;
      private StoreMirror<List<Ofi>> open;
      /** Keys with at least one open second. */
      private final Set<String> keys = new HashSet<>();
      private long streamTime = Long.MIN_VALUE;
      /** The earliest time at which one of the open seconds closes. */
      private long nextClose = Long.MAX_VALUE;
      private long late;
      private long lateLoggedAt = Long.MIN_VALUE;

      @Override
      public void init(ProcessorContext<String, Ofi> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
        this.open = new StoreMirror<>(store);
        // The open seconds of every key, as restored: a key that fell silent before a restart
        // still has its seconds closed when the stream time moves on.
        try (KeyValueIterator<String, List<Ofi>> it = store.all()) {
          while (it.hasNext()) {
            KeyValue<String, List<Ofi>> kv = it.next();
            if (kv.value != null && !kv.value.isEmpty()) {
              keys.add(kv.key);
              nextClose = Math.min(nextClose, closesAt(kv.value.get(0)));
            }
          }
        }
      }

      @Override
      public void process(Record<String, Ofi> record) {
        Ofi term = record.value();
        if (term == null) {
          return;
        }
        long ts = record.timestamp();
        streamTime = Math.max(streamTime, ts);
        long start = Math.floorDiv(ts, SECOND_MS) * SECOND_MS;
        if (start + SECOND_MS + graceMs <= streamTime) {
          late(record.key(), start);
        } else {
          add(record.key(), term, start);
        }
        if (streamTime >= nextClose) {
          closeThrough(streamTime);
        }
      }

      private void add(String key, Ofi term, long start) {
        List<Ofi> seconds = open.get(key);
        seconds = seconds == null ? new ArrayList<>(2) : seconds;
        int i = 0;
        while (i < seconds.size() && seconds.get(i).getWindowStart().toEpochMilli() < start) {
          i++;
        }
        if (i < seconds.size() && seconds.get(i).getWindowStart().toEpochMilli() == start) {
          OfiAggregator.addInPlace(seconds.get(i), term);
        } else {
          Ofi second = OfiAggregator.close(OfiAggregator.empty(), "1s", Instant.ofEpochMilli(start), Instant.ofEpochMilli(start + SECOND_MS));
          OfiAggregator.addInPlace(second, term);
          seconds.add(i, second);
          nextClose = Math.min(nextClose, closesAt(second));
        }
        keys.add(key);
        open.put(key, seconds);
      }

      /** Emits every second that closed by {@code now}, oldest first per key. */
      private void closeThrough(long now) {
        long next = Long.MAX_VALUE;
        for (Iterator<String> it = keys.iterator(); it.hasNext(); ) {
          String key = it.next();
          List<Ofi> seconds = open.get(key);
          int closed = 0;
          while (seconds != null && closed < seconds.size() && closesAt(seconds.get(closed)) <= now) {
            Ofi second = seconds.get(closed++);
            context.forward(new Record<>(key, second, second.getWindowStart().toEpochMilli()));
            WindowCloser.commitIfLive(context, second.getWindowEnd().toEpochMilli());
          }
          if (closed > 0) {
            List<Ofi> rest = new ArrayList<>(seconds.subList(closed, seconds.size()));
            open.put(key, rest);
            seconds = rest;
          }
          if (seconds == null || seconds.isEmpty()) {
            it.remove();
          } else {
            next = Math.min(next, closesAt(seconds.get(0)));
          }
        }
        nextClose = next;
      }

      private long closesAt(Ofi second) {
        return second.getWindowEnd().toEpochMilli() + graceMs;
      }

      private void late(String key, long start) {
        late++;
        long now = context.currentSystemTimeMs();
        if (now - lateLoggedAt >= LATE_LOG_INTERVAL_MS) {
          lateLoggedAt = now;
          log.warn(
              "{}: OFI term for {} arrived after its second closed (grace {} ms, stream time {}); not counted."
                  + " Late terms so far in this task: {}",
              key, Instant.ofEpochMilli(start), graceMs, Instant.ofEpochMilli(streamTime), late);
        }
      }
    };
  }

  @Override
  public Set<StoreBuilder<?>> stores() {
    return Set.of(
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(storeName), Serdes.String(), serde)
            .withCachingEnabled()); // written per term: the changelog gets the last per key per commit
  }
}
