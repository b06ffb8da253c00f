package io.ticklake.streams.dq;

import io.ticklake.streams.internal.LateCheck;
import io.ticklake.streams.internal.Times;
import java.time.Duration;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Marks a record late when its tumbling window has already closed: window end at or before
 * observed stream time minus the grace — the very rule a windowed aggregation uses to drop it.
 * Placed before the windows, it lets late records be counted (per key, in a store) and routed to
 * the late topic rather than silently dropped. Stream time is the largest timestamp this
 * processor has seen, as in the aggregation, which sees the same records in the same order.
 */
public final class LateRecordClassifier<V> implements FixedKeyProcessorSupplier<String, V, LateCheck<V>> {
  private final long windowMs;
  private final long graceMs;
  private final String countStoreName;

  public LateRecordClassifier(Duration window, Duration grace, String countStoreName) {
    this.windowMs = window.toMillis();
    this.graceMs = grace.toMillis();
    this.countStoreName = countStoreName;
  }

  @Override
  public FixedKeyProcessor<String, V, LateCheck<V>> get() {
    return new Classifier();
  }

  @Override
  public Set<StoreBuilder<?>> stores() {
    return Set.of(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(countStoreName), Serdes.String(), Serdes.Long()));
  }

  private final class Classifier implements FixedKeyProcessor<String, V, LateCheck<V>> {
    private FixedKeyProcessorContext<String, LateCheck<V>> context;
    private KeyValueStore<String, Long> lateCounts;
    private long observedStreamTime = Long.MIN_VALUE;

    @Override
    public void init(FixedKeyProcessorContext<String, LateCheck<V>> context) {
      this.context = context;
      this.lateCounts = context.getStateStore(countStoreName);
    }

    @Override
    public void process(FixedKeyRecord<String, V> record) {
      long ts = record.timestamp();
      observedStreamTime = Math.max(observedStreamTime, ts);
      long windowEnd = Times.floor(ts, windowMs) + windowMs;
      boolean late = windowEnd <= observedStreamTime - graceMs;
      if (late) {
        Long count = lateCounts.get(record.key());
        lateCounts.put(record.key(), count == null ? 1L : count + 1);
      }
      context.forward(record.withValue(new LateCheck<>(record.value(), late)));
    }
  }
}
