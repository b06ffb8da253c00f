package io.ticklake.streams.internal;

import java.util.Set;
import java.util.function.BinaryOperator;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Folds each closed window into the key's running value (e.g. CVD or OFI since the start of the
 * UTC day), kept in a store, and forwards the new running value.
 */
public final class RunningTotal<V> implements FixedKeyProcessorSupplier<String, V, V> {
  private final String storeName;
  private final Serde<V> serde;
  private final BinaryOperator<V> fold;

  /**
   * @param fold (previous running value or null, closed window) → new running value
   */
  public RunningTotal(String storeName, Serde<V> serde, BinaryOperator<V> fold) {
    this.storeName = storeName;
    this.serde = serde;
    this.fold = fold;
  }

  @Override
  public FixedKeyProcessor<String, V, V> get() {
    return new FixedKeyProcessor<>() {
      private FixedKeyProcessorContext<String, V> context;
      private KeyValueStore<String, V> running;

      @Override
      public void init(FixedKeyProcessorContext<String, V> context) {
        this.context = context;
        this.running = context.getStateStore(storeName);
      }

      @Override
      public void process(FixedKeyRecord<String, V> record) {
        V next = fold.apply(running.get(record.key()), record.value());
        running.put(record.key(), next);
        context.forward(record.withValue(next));
      }
    };
  }

  @Override
  public Set<StoreBuilder<?>> stores() {
    return Set.of(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(storeName), Serdes.String(), serde));
  }
}
