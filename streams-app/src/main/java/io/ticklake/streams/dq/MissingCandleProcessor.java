package io.ticklake.streams.dq;

import io.ticklake.schema.v1.Candle;
import io.ticklake.schema.v1.GapEvent;
import io.ticklake.schema.v1.GapKind;
import io.ticklake.streams.internal.Times;
import java.time.Duration;
import java.time.Instant;
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
 * Reports minutes missing between consecutive closed 1-minute candles of a key: derived candles
 * (a minute with no trade at all) or the venue's own (a candle the venue never sent). Candles at or
 * before the last seen are ignored; only closed 1m candles are looked at.
 */
public final class MissingCandleProcessor implements FixedKeyProcessorSupplier<String, Candle, GapEvent> {
  private final String storeName;
  private final String stream;
  private final java.util.function.Predicate<String> continuousTrading;

  /**
   * @param stream the stream named in the gap, e.g. {@code ohlcv-1m} or {@code candles-1m}
   */
  public MissingCandleProcessor(String storeName, String stream) {
    this(storeName, stream, venue -> true);
  }

  /**
   * @param continuousTrading whether a venue trades every minute: only then is a minute without a
   *     candle a gap
   */
  public MissingCandleProcessor(String storeName, String stream, java.util.function.Predicate<String> continuousTrading) {
    this.storeName = storeName;
    this.stream = stream;
    this.continuousTrading = continuousTrading;
  }

  @Override
  public FixedKeyProcessor<String, Candle, GapEvent> get() {
    return new Detector();
  }

  @Override
  public Set<StoreBuilder<?>> stores() {
    return Set.of(
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(storeName), Serdes.String(), Serdes.Long()));
  }

  private final class Detector implements FixedKeyProcessor<String, Candle, GapEvent> {
    private FixedKeyProcessorContext<String, GapEvent> context;
    private KeyValueStore<String, Long> lastOpen;

    @Override
    public void init(FixedKeyProcessorContext<String, GapEvent> context) {
      this.context = context;
      this.lastOpen = context.getStateStore(storeName);
    }

    @Override
    public void process(FixedKeyRecord<String, Candle> record) {
      Candle candle = record.value();
      if (candle == null || !candle.getClosed() || !"1m".equals(candle.getInterval())
          || !continuousTrading.test(candle.getVenue())) {
        return;
      }
      long open = candle.getOpenTime().toEpochMilli();
      Long previous = lastOpen.get(record.key());
      if (previous != null && open <= previous) {
        return;
      }
      lastOpen.put(record.key(), open);
      if (previous != null && open > previous + Times.MINUTE_MS) {
        long missing = (open - previous) / Times.MINUTE_MS - 1;
        Instant lastGood = Instant.ofEpochMilli(previous);
        GapEvent gap =
            GapEvents.gap(
                    candle.getVenue(),
                    candle.getSymbol(),
                    GapKind.MISSING_CANDLE,
                    stream,
                    null,
                    null,
                    lastGood,
                    candle.getOpenTime(),
                    Instant.ofEpochMilli(context.currentSystemTimeMs()),
                    missing + " 1m candle(s) missing from " + lastGood.plus(Duration.ofMinutes(1)) + " to " + candle.getOpenTime())
                .build();
        context.forward(record.withValue(gap));
      }
    }
  }
}
