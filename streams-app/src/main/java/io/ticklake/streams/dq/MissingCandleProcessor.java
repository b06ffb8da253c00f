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
 * Reports periods missing between consecutive closed candles of a key and interval: derived 1m
 * candles (a minute with no trade at all) or the venue's own 1m, 5m and 1h candles (a candle the
 * venue never sent, or one a collector that was down never received). Candles at or before the last
 * seen are ignored; only closed candles of the processor's intervals are looked at. The stream
 * named is {@code <prefix>-<interval>} ({@code candles-5m}).
 */
public final class MissingCandleProcessor implements FixedKeyProcessorSupplier<String, Candle, GapEvent> {
  /** The intervals a venue's candle streams are checked in, and their lengths. */
  public static final java.util.Map<String, Duration> VENUE_INTERVALS =
      java.util.Map.of("1m", Duration.ofMinutes(1), "5m", Duration.ofMinutes(5), "1h", Duration.ofHours(1));

  private final String storeName;
  private final String prefix;
  private final java.util.Map<String, Duration> intervals;
  private final java.util.function.Predicate<String> continuousTrading;

  /**
   * 1-minute candles only.
   *
   * @param stream the stream named in the gap, e.g. {@code ohlcv-1m} or {@code candles-1m}
   */
  public MissingCandleProcessor(String storeName, String stream) {
    this(storeName, stream, venue -> true);
  }

  /**
   * 1-minute candles only.
   *
   * @param continuousTrading whether a venue trades every minute: only then is a minute without a
   *     candle a gap
   */
  public MissingCandleProcessor(String storeName, String stream, java.util.function.Predicate<String> continuousTrading) {
    this(storeName, stream.substring(0, stream.lastIndexOf('-')), java.util.Map.of("1m", Duration.ofMinutes(1)), continuousTrading);
  }

  /**
   * @param prefix the stream named in the gap, before the interval ({@code candles})
   * @param intervals the intervals checked and their lengths
   */
  public MissingCandleProcessor(
      String storeName, String prefix, java.util.Map<String, Duration> intervals, java.util.function.Predicate<String> continuousTrading) {
    this.storeName = storeName;
    this.prefix = prefix;
    this.intervals = java.util.Map.copyOf(intervals);
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
      Duration length = candle == null ? null : intervals.get(candle.getInterval());
      if (length == null || !candle.getClosed() || !continuousTrading.test(candle.getVenue())) {
        return;
      }
      long step = length.toMillis();
      // 1m under the bare key, as it always was; the others beside it.
      String key = step == Times.MINUTE_MS ? record.key() : record.key() + "|" + candle.getInterval();
      long open = candle.getOpenTime().toEpochMilli();
      Long previous = lastOpen.get(key);
      if (previous != null && open <= previous) {
        return;
      }
      lastOpen.put(key, open);
      if (previous != null && open > previous + step) {
        long missing = (open - previous) / step - 1;
        Instant lastGood = Instant.ofEpochMilli(previous);
        GapEvent gap =
            GapEvents.gap(
                    candle.getVenue(),
                    candle.getSymbol(),
                    GapKind.MISSING_CANDLE,
                    prefix + "-" + candle.getInterval(),
                    null,
                    null,
                    lastGood,
                    candle.getOpenTime(),
                    Instant.ofEpochMilli(context.currentSystemTimeMs()),
                    missing + " " + candle.getInterval() + " candle(s) missing from " + lastGood.plusMillis(step) + " to "
                        + candle.getOpenTime())
                .build();
        context.forward(record.withValue(gap));
      }
    }
  }
}
