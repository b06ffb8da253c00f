package io.ticklake.streams.dq;

import io.ticklake.streams.internal.StoreMirror;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops a record whose identity was already seen, so reconnect overlaps and backfills do not count
 * twice. Two memories, chosen per record:
 *
 * <ul>
 *   <li>a numeric, sequential id (a venue's trade id) goes to the record key's {@link SeenIds}, a
 *       few ranges per key, held as objects and written to their key-value store once per key and
 *       commit ({@link StoreMirror}). An id that would open a new range is
 *       first looked up in the window store below, and goes there instead once the key has
 *       {@link SeenIds#SPARSE_RANGES} ranges (its ids are not a sequence);
 *   <li>any other id is remembered on its own in a window store whose retention is the ttl.
 * </ul>
 *
 * Either way an id is remembered for {@code ttl} of record time; a record older than that is
 * beyond every grace and is routed late downstream instead. A record without an identity (the id
 * function answers null) is passed on unchecked: its order is checked downstream.
 */
public final class Deduplication<V> implements FixedKeyProcessorSupplier<String, V, V> {
  private static final Logger log = LoggerFactory.getLogger(Deduplication.class);

  private final String storeName;
  private final Duration ttl;
  private final Function<V, String> id;
  private final Function<V, Long> sequence;

  /**
   * @param storeName the window store, e.g. {@code trades-dedup-store}; the ranges store is named
   *     after it ({@link #rangesStoreName})
   * @param ttl how long an id is remembered
   * @param id the record's identity, e.g. {@code venue:symbol:tradeId}, or null for none
   * @param sequence the record's id as a number of the key's consecutive sequence, or null when it
   *     has none (then {@code id} is used); null for a stream without such ids (no ranges store)
   */
  public Deduplication(String storeName, Duration ttl, Function<V, String> id, Function<V, Long> sequence) {
    this.storeName = storeName;
    this.ttl = ttl;
    this.id = id;
    this.sequence = sequence;
  }

  /** The key-value store of the numeric ids: {@code trades-dedup-store} → {@code trades-dedup-ranges-store}. */
  public static String rangesStoreName(String storeName) {
    return storeName.endsWith("-store")
        ? storeName.substring(0, storeName.length() - "-store".length()) + "-ranges-store"
        : storeName + "-ranges";
  }

  /** A canonical decimal long ({@code "42"}, not {@code "042"} or {@code "+42"}), else null. */
  public static Long canonicalLong(String s) {
    int n = s == null ? 0 : s.length();
    if (n == 0 || n > 19) {
      return null;
    }
    long v = 0;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9' || (i == 0 && c == '0' && n > 1)) {
        return null;
      }
      v = v * 10 + (c - '0');
      if (v < 0) {
        return null;
      }
    }
    return v;
  }

  @Override
  public FixedKeyProcessor<String, V, V> get() {
    return new DedupProcessor();
  }

  @Override
  public Set<StoreBuilder<?>> stores() {
    StoreBuilder<?> ids =
        Stores.windowStoreBuilder(Stores.persistentWindowStore(storeName, ttl, ttl, false), Serdes.String(), Serdes.Long());
    if (sequence == null) {
      return Set.of(ids);
    }
    return Set.of(
        ids,
        StoreMirror.builder(rangesStoreName(storeName), SeenIds.serde())); // changed per record, written once per key and commit
  }

  private final class DedupProcessor implements FixedKeyProcessor<String, V, V> {
    private FixedKeyProcessorContext<String, V> context;
    private WindowStore<String, Long> seen;
    private StoreMirror<SeenIds> ranges;
    /** Keys already logged as sparse by this task. */
    private final Set<String> sparseKeys = new HashSet<>();

    @Override
    public void init(FixedKeyProcessorContext<String, V> context) {
      this.context = context;
      this.seen = context.getStateStore(storeName);
      this.ranges = sequence == null ? null : StoreMirror.of(context, rangesStoreName(storeName));
    }

    @Override
    public void process(FixedKeyRecord<String, V> record) {
      V value = record.value();
      if (value == null) {
        return;
      }
      Long number = sequence == null ? null : sequence.apply(value);
      boolean fresh = number != null ? addNumber(record.key(), number, value, record.timestamp()) : addId(value, record.timestamp());
      if (fresh) {
        context.forward(record);
      }
    }

    private boolean addNumber(String key, long number, V value, long ts) {
      SeenIds ids = ranges.get(key);
      if (ids == null) {
        ids = new SeenIds();
      }
      if (ids.contains(number)) {
        log.debug("Dropping duplicate {} {} (store {})", key, number, storeName);
        return false;
      }
      boolean opens = !ids.joins(number);
      // An id that would open a range (a hole, a backfill, a key's first id), or that lies where
      // ids were remembered one by one, may be in the window store: look there first. The usual
      // next id of a sequence builds no record id at all.
      String recordId = opens || ids.mayBeAlone(number) ? id.apply(value) : null;
      if (recordId != null && seenAlone(recordId, ts)) {
        return false;
      }
      if (recordId != null && opens && ids.ranges() >= SeenIds.SPARSE_RANGES) {
        if (sparseKeys.add(key)) {
          log.info(
              "{}: {} has {} id ranges; ids that would open another are remembered one by one (not a sequence?)",
              storeName, key, ids.ranges());
        }
        seen.put(recordId, ts, ts);
        ids.noteAlone(number, ts);
        ids.forget(ts - ttl.toMillis(), SeenIds.MAX_RANGES); // so a key can leave this mode
        ranges.put(key, ids);
        return true;
      }
      ids.add(number, ts);
      if (ids.ranges() > 1) {
        int before = ids.ranges();
        int forgotten = ids.forget(ts - ttl.toMillis(), SeenIds.MAX_RANGES);
        if (forgotten > 0 && before > SeenIds.MAX_RANGES) {
          log.info("{}: {} id ranges of {} forgotten beyond the limit of {}", storeName, forgotten, key, SeenIds.MAX_RANGES);
        }
      }
      ranges.put(key, ids);
      return true;
    }

    private boolean addId(V value, long ts) {
      String recordId = id.apply(value);
      if (recordId == null) {
        return true;
      }
      if (seenAlone(recordId, ts)) {
        return false;
      }
      seen.put(recordId, ts, ts);
      return true;
    }

    /** True if {@code recordId} is in the window store within the ttl of {@code ts}. */
    private boolean seenAlone(String recordId, long ts) {
      long ttlMs = ttl.toMillis();
      try (WindowStoreIterator<Long> it = seen.fetch(recordId, ts - ttlMs, ts + ttlMs)) {
        if (it.hasNext()) {
          log.debug("Dropping duplicate {} (store {})", recordId, storeName);
          return true;
        }
      }
      return false;
    }
  }
}
