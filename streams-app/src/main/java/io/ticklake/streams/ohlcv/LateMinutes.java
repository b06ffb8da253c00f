package io.ticklake.streams.ohlcv;

import io.ticklake.schema.v1.Candle;
import io.ticklake.schema.v1.Trade;
import io.ticklake.streams.internal.ClosingWindows;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
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
 * Minutes rebuilt from late trades: after an outage (a collector killed and restarted, a
 * disconnect) the backfill delivers the missed trades once live ones have moved stream time on, so
 * they are late for their 1-minute windows. A minute for which no candle was ever emitted (none in
 * {@link OhlcvTopology#OHLCV_1M_STORE}) is built from its late trades and emitted once, when no late
 * trade has arrived for it for {@link #QUIET} (the backfill's burst is over), to the 1-minute topic
 * and the store, like any closed minute. A minute that was emitted is never emitted again, so the
 * lake keeps one candle per minute: one emitted with some of its trades missing (the minute the
 * outage began in) stays as it was, and the candle self-audit reports it against the venue's.
 *
 * <p>The 5-minute and 1-hour rollups close on the 1-minute topic's time and do not take a rebuilt
 * minute whose rollup window has closed.
 */
public final class LateMinutes implements ProcessorSupplier<String, Trade, String, Candle> {
  private static final Logger log = LoggerFactory.getLogger(LateMinutes.class);

  public static final String PENDING_STORE = "ohlcv-1m-late-store";
  /**
   * How long a rebuilt minute waits for more of its late trades, by the wall clock: after a restart
   * the backfills of several gaps (a stale stream's at once, the missing minutes' about a minute
   * later, when the first minute after the restart closes) may each bring trades of one minute.
   */
  public static final Duration QUIET = Duration.ofMinutes(2);
  private static final Duration CHECK = Duration.ofSeconds(5);
  private static final long MINUTE_MS = 60_000L;

  private final Serde<Candle> candles;

  public LateMinutes(Serde<Candle> candles) {
    this.candles = candles;
  }

  @Override
  public Set<StoreBuilder<?>> stores() {
    return Set.of(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PENDING_STORE), Serdes.String(), candles));
  }

  @Override
  public Processor<String, Trade, String, Candle> get() {
    return new Processor<>() {
      private final ClosingWindows.Aggregation<Trade, Candle> minutes = OhlcvAggregator.minutes();
      /** When each pending minute last took a trade (wall clock); after a restart, none: due at once. */
      private final Map<String, Long> touched = new HashMap<>();
      private ProcessorContext<String, Candle> context;
      private KeyValueStore<String, Candle> pending;
      private WindowStore<String, Candle> emitted;

      @Override
      public void init(ProcessorContext<String, Candle> context) {
        this.context = context;
        this.pending = context.getStateStore(PENDING_STORE);
        this.emitted = context.getStateStore(OhlcvTopology.OHLCV_1M_STORE);
        context.schedule(CHECK, PunctuationType.WALL_CLOCK_TIME, this::emitQuiet);
      }

      @Override
      public void process(Record<String, Trade> record) {
        Trade t = record.value();
        long start = ClosingWindows.windowStart(t.getEventTime().toEpochMilli(), MINUTE_MS);
        // Only within the closed minutes' retention, where "never emitted" can be told.
        long horizon = context.currentStreamTimeMs() - OhlcvTopology.OHLCV_1M_RETENTION.toMillis() + Duration.ofHours(1).toMillis();
        if (start < horizon || emitted.fetch(record.key(), start) != null) {
          return; // the minute was emitted: the trade stays on the late topic only
        }
        String slot = slot(record.key(), start);
        Candle agg = pending.get(slot);
        if (agg == null) {
          agg = minutes.empty(Instant.ofEpochMilli(start), Instant.ofEpochMilli(start + MINUTE_MS));
        }
        minutes.add(agg, t);
        pending.put(slot, agg);
        touched.put(slot, context.currentSystemTimeMs());
      }

      private void emitQuiet(long now) {
        List<KeyValue<String, Candle>> due = new ArrayList<>();
        try (KeyValueIterator<String, Candle> it = pending.all()) {
          while (it.hasNext()) {
            KeyValue<String, Candle> kv = it.next();
            Long last = touched.get(kv.key);
            if (last == null || now - last >= QUIET.toMillis()) {
              due.add(kv);
            }
          }
        }
        for (KeyValue<String, Candle> kv : due) {
          int bar = kv.key.lastIndexOf('|');
          String key = kv.key.substring(0, bar);
          long start = Long.parseLong(kv.key.substring(bar + 1));
          pending.delete(kv.key);
          touched.remove(kv.key);
          if (emitted.fetch(key, start) != null) {
            continue;
          }
          emitted.put(key, kv.value, start);
          Candle done = OhlcvAggregator.close(kv.value, Instant.ofEpochMilli(start), Instant.ofEpochMilli(start + MINUTE_MS));
          log.info("{}: the minute {} rebuilt from {} late trades (backfilled after its window closed)", key, Instant.ofEpochMilli(start),
              done.getTradeCount());
          context.forward(new Record<>(key, done, start));
        }
      }
    };
  }

  private static String slot(String key, long start) {
    return key + "|" + start;
  }
}
