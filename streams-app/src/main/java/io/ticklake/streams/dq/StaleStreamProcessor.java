package io.ticklake.streams.dq;

import io.ticklake.schema.v1.GapEvent;
import io.ticklake.schema.v1.GapKind;
import io.ticklake.streams.internal.StreamActivity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports a key whose stream went quiet: on a WALL-CLOCK punctuation (stream time does not move
 * when nothing arrives), every key not seen for its venue's {@code staleAfter} gets a STALE_STREAM
 * gap, once. The gap names the last record's sequence (a trade id) where the stream has one, so a
 * backfill starts after it, never at it. When records resume, the same gap id is sent again with
 * {@code firstTimeAfter} (and the first sequence after) set. The store holds each key's activity to
 * within a tenth of {@code staleAfter} (at most a second), which is what a restart needs.
 */
public final class StaleStreamProcessor<V> implements ProcessorSupplier<String, V, String, GapEvent> {
  private static final Logger log = LoggerFactory.getLogger(StaleStreamProcessor.class);

  private final String storeName;
  private final String stream;
  private final Function<String, Duration> staleAfter;
  private final Duration checkInterval;
  private final Function<V, Instant> eventTime;
  private final Function<V, Long> sequence;

  /** One silence allowed for every venue; no sequence. */
  public StaleStreamProcessor(
      String storeName, String stream, Duration staleAfter, Duration checkInterval, Function<V, Instant> eventTime) {
    this(storeName, stream, venue -> staleAfter, checkInterval, eventTime, v -> null);
  }

  /**
   * @param staleAfter the silence allowed, by venue
   * @param sequence a record's sequence (a numeric trade id), or {@code null} when it has none
   */
  public StaleStreamProcessor(
      String storeName,
      String stream,
      Function<String, Duration> staleAfter,
      Duration checkInterval,
      Function<V, Instant> eventTime,
      Function<V, Long> sequence) {
    this.storeName = storeName;
    this.stream = stream;
    this.staleAfter = staleAfter;
    this.checkInterval = checkInterval;
    this.eventTime = eventTime;
    this.sequence = sequence;
  }

  @Override
  public Processor<String, V, String, GapEvent> get() {
    return new Detector();
  }

  @Override
  public Set<StoreBuilder<?>> stores() {
    return Set.of(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(storeName), Serdes.String(), StreamActivity.serde())
            .withCachingEnabled()); // written per record: the changelog gets the last per key per commit
  }

  private static String venueOf(String key) {
    int colon = key.indexOf(':');
    return colon < 0 ? key : key.substring(0, colon);
  }

  private final class Detector implements Processor<String, V, String, GapEvent> {
    private ProcessorContext<String, GapEvent> context;
    private KeyValueStore<String, StreamActivity> activity;
    /**
     * The exact activity of the keys seen since the task (re)initialized. The store gets it when a
     * key is new or resumes, and otherwise at most every {@link #persistEveryMs}: it only has to
     * survive a restart to about that precision, and a write per record put its changelog
     * partition into every transaction.
     */
    private final Map<String, StreamActivity> live = new HashMap<>();
    private final Map<String, Long> persistedWallMs = new HashMap<>();

    @Override
    public void init(ProcessorContext<String, GapEvent> context) {
      this.context = context;
      this.activity = context.getStateStore(storeName);
      live.clear();
      persistedWallMs.clear();
      context.schedule(checkInterval, PunctuationType.WALL_CLOCK_TIME, this::check);
    }

    @Override
    public void process(Record<String, V> record) {
      long now = context.currentSystemTimeMs();
      Instant t = eventTime.apply(record.value());
      String key = record.key();
      StreamActivity before = live.get(key);
      if (before == null) {
        before = activity.get(key);
      }
      Long seq = sequence.apply(record.value());
      StreamActivity after = new StreamActivity(now, t.toEpochMilli(), false, seq == null ? StreamActivity.NO_SEQUENCE : seq);
      live.put(key, after);
      Long persisted = persistedWallMs.get(key);
      if (persisted == null || before == null || before.reported() || now - persisted >= persistEveryMs(key)) {
        activity.put(key, after);
        persistedWallMs.put(key, now);
      }
      if (before != null && before.reported()) {
        // The stream is back: close the gap reported earlier (same gap id).
        context.forward(new Record<>(record.key(), event(record.key(), before, now).setFirstTimeAfter(t)
            .setFirstSequenceAfter(seq).build(), now));
      }
    }

    private void check(long now) {
      try (KeyValueIterator<String, StreamActivity> it = activity.all()) {
        List<KeyValue<String, StreamActivity>> stale = new ArrayList<>();
        while (it.hasNext()) {
          KeyValue<String, StreamActivity> kv = it.next();
          StreamActivity a = live.getOrDefault(kv.key, kv.value);
          if (!a.reported() && now - a.lastWallMs() >= staleAfter.apply(venueOf(kv.key)).toMillis()) {
            stale.add(KeyValue.pair(kv.key, a));
          }
        }
        for (KeyValue<String, StreamActivity> kv : stale) {
          StreamActivity a = kv.value;
          log.info("Stream {} of {} stale: nothing for {} ms", stream, kv.key, now - a.lastWallMs());
          StreamActivity reported = new StreamActivity(a.lastWallMs(), a.lastEventMs(), true, a.lastSequence());
          activity.put(kv.key, reported);
          live.put(kv.key, reported);
          persistedWallMs.put(kv.key, a.lastWallMs());
          context.forward(new Record<>(kv.key, event(kv.key, a, now).build(), now));
        }
      }
    }

    /** How often a key's activity is written: a tenth of its silence allowed, at most a second. */
    private long persistEveryMs(String key) {
      return Math.max(1, Math.min(1_000L, staleAfter.apply(venueOf(key)).toMillis() / 10));
    }

    private GapEvent.Builder event(String key, StreamActivity a, long now) {
      int colon = key.indexOf(':');
      String venue = colon < 0 ? key : key.substring(0, colon);
      String symbol = colon < 0 ? "" : key.substring(colon + 1);
      return GapEvents.gap(
          venue,
          symbol,
          GapKind.STALE_STREAM,
          stream,
          a.lastSequence() == StreamActivity.NO_SEQUENCE ? null : a.lastSequence(),
          null,
          Instant.ofEpochMilli(a.lastEventMs()),
          null,
          Instant.ofEpochMilli(now),
          "no " + stream + " records for " + Duration.ofMillis(now - a.lastWallMs()).toSeconds() + "s");
    }
  }
}
