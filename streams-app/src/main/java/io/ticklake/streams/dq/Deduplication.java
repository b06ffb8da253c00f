package io.ticklake.streams.dq;

import java.time.Duration;
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
 * Drops a record whose id was already seen within {@code ttl} of stream time (either side), so
 * reconnect overlaps and backfills do not count twice. The ids live in a window store whose
 * retention is the ttl, so it stays bounded; a record older than that is beyond every grace and
 * is routed late downstream instead.
 */
public final class Deduplication<V> implements FixedKeyProcessorSupplier<String, V, V> {
  private static final Logger log = LoggerFactory.getLogger(Deduplication.class);

  private final String storeName;
  private final Duration ttl;
  private final Function<V, String> id;

  /**
   * @param storeName the window store, e.g. {@code trades-dedup-store}
   * @param ttl how long an id is remembered
   * @param id the record's identity, e.g. {@code venue:symbol:tradeId}
   */
  public Deduplication(String storeName, Duration ttl, Function<V, String> id) {
    this.storeName = storeName;
    this.ttl = ttl;
    this.id = id;
  }

  @Override
  public FixedKeyProcessor<String, V, V> get() {
    return new DedupProcessor();
  }

  @Override
  public Set<StoreBuilder<?>> stores() {
    return Set.of(
        Stores.windowStoreBuilder(
            Stores.persistentWindowStore(storeName, ttl, ttl, false), Serdes.String(), Serdes.Long()));
  }

  private final class DedupProcessor implements FixedKeyProcessor<String, V, V> {
    private FixedKeyProcessorContext<String, V> context;
    private WindowStore<String, Long> seen;

    @Override
    public void init(FixedKeyProcessorContext<String, V> context) {
      this.context = context;
      this.seen = context.getStateStore(storeName);
    }

    @Override
    public void process(FixedKeyRecord<String, V> record) {
      if (record.value() == null) {
        return;
      }
      String recordId = id.apply(record.value());
      long ts = record.timestamp();
      long ttlMs = ttl.toMillis();
      try (WindowStoreIterator<Long> it = seen.fetch(recordId, ts - ttlMs, ts + ttlMs)) {
        if (it.hasNext()) {
          log.debug("Dropping duplicate {} (store {})", recordId, storeName);
          return;
        }
      }
      seen.put(recordId, ts, ts);
      context.forward(record);
    }
  }
}
