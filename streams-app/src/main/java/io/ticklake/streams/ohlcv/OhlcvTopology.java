package io.ticklake.streams.ohlcv;

import io.ticklake.schema.topic.Topics;
import io.ticklake.schema.v1.Candle;
import io.ticklake.schema.v1.Trade;
import io.ticklake.streams.AppConfig;
import io.ticklake.streams.cvd.CvdTopology;
import io.ticklake.streams.internal.ClosingWindows;
import io.ticklake.streams.internal.EventTimeExtractor;
import io.ticklake.streams.internal.WindowCloser;
import io.ticklake.streams.serde.SerdeFactory;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.EmitStrategy;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Candles: 1-minute candles from deduplicated, on-time market trades, emitted once when the window
 * closes (stream time past its end plus the grace; {@link ClosingWindows}, which holds the open
 * candles as objects, where Kafka's windowed aggregation decoded and encoded one per trade); 5-minute
 * and 1-hour rollups of the closed 1-minute candles, read back from their topic. The closed
 * 1-minute windows also give the minute's CVD ({@link CvdTopology}).
 *
 * <p>Every window store of Kafka's emit-on-close aggregation (here the rollups, and the OFI minutes)
 * is cached, so an update
 * of an open window costs a cache write, not a RocksDB write plus a changelog record per input
 * record: the changelog gets one record per window and key per commit. It once had caching off,
 * because the first close after a start scanned the caching store for tens of seconds, past the
 * exactly-once transaction timeout, and the task was fenced and started over, forever. The cause:
 * the first close of Kafka's emit-on-close aggregation fetches from time 0 (it has no previous
 * close yet), and the caching store ({@code TimeOrderedCachingWindowStore}) walks that range one
 * store segment at a time; a segment is half the retention, at least a minute, so with the default
 * retention (size plus grace) that is 28 million steps from 1970 to now. Every such store here
 * retains at least a day ({@link #closeOnlyRetention}): 12-hour segments, about 40,000 steps, a
 * few tens of milliseconds once per start. A day's retention also keeps a window in the store
 * until it is emitted when stream time jumps, which the default retention did not.
 */
public final class OhlcvTopology {
  /** Each key's open 1-minute candles (a list, oldest first), see {@link ClosingWindows}. */
  public static final String OHLCV_1M_OPEN_STORE = "ohlcv-1m-open-store";
  /** Closed 1-minute candles of the last day, as aggregated (VWAP computed when read). */
  public static final String OHLCV_1M_STORE = "ohlcv-1m-store";
  public static final String OHLCV_5M_STORE = "ohlcv-5m-store";
  public static final String OHLCV_1H_STORE = "ohlcv-1h-store";
  /** How long closed candles stay queryable. */
  public static final Duration OHLCV_1M_RETENTION = Duration.ofDays(1);

  private OhlcvTopology() {}

  /**
   * Retention of an emit-on-close window store: a day, at least size plus grace. The day bounds the
   * first close's scan from time 0 (see the class comment) and must not be lowered.
   */
  public static Duration closeOnlyRetention(Duration size, Duration grace) {
    Duration min = size.plus(grace);
    return min.compareTo(Duration.ofDays(1)) > 0 ? min : Duration.ofDays(1);
  }

  /**
   * Adds the candle processors.
   *
   * @param trades deduplicated, on-time market trades keyed {@code venue:symbol}
   * @return the closed 1-minute candles as read back from {@link Topics#OHLCV_1M}
   */
  public static KStream<String, Candle> addTo(
      StreamsBuilder builder, KStream<String, Trade> trades, AppConfig config, SerdeFactory serdes) {
    Serde<String> keys = serdes.key();
    Serde<Candle> candles = serdes.value(Candle.class);
    // Closed minutes are kept a day for the query API; the open ones are in the open store.
    StoreBuilder<WindowStore<String, Candle>> history =
        Stores.windowStoreBuilder(
            Stores.persistentWindowStore(OHLCV_1M_STORE, OHLCV_1M_RETENTION, Duration.ofMinutes(1), false),
            keys,
            serdes.state(Candle.class));
    KStream<Windowed<String>, Candle> closed =
        trades.process(
            new ClosingWindows<>(
                OHLCV_1M_OPEN_STORE, Duration.ofMinutes(1), config.ohlcvGrace(), serdes.stateList(Candle.class), OhlcvAggregator.minutes(), history),
            Named.as("ohlcv-1m-windows"));
    closed
        .process(new WindowCloser<>(OhlcvAggregator::close), Named.as("ohlcv-1m-close"))
        .to(Topics.OHLCV_1M, Produced.with(keys, candles).withName("ohlcv-1m-sink"));
    CvdTopology.addTo(builder, closed, config, serdes);

    // The topic's record timestamps are the broker's append time: window on the candle's openTime.
    KStream<String, Candle> minutes =
        builder.stream(
            Topics.OHLCV_1M,
            Consumed.with(keys, candles).withName("ohlcv-1m-source").withTimestampExtractor(new EventTimeExtractor()));
    rollup(minutes, "5m", Duration.ofMinutes(5), OHLCV_5M_STORE, Topics.OHLCV_5M, config, serdes);
    rollup(minutes, "1h", Duration.ofHours(1), OHLCV_1H_STORE, Topics.OHLCV_1H, config, serdes);
    return minutes;
  }

  private static void rollup(
      KStream<String, Candle> minutes,
      String interval,
      Duration size,
      String storeName,
      String topic,
      AppConfig config,
      SerdeFactory serdes) {
    Serde<String> keys = serdes.key();
    Serde<Candle> candles = serdes.value(Candle.class);
    String prefix = "ohlcv-" + interval;
    minutes
        .filter((k, c) -> c != null && "1m".equals(c.getInterval()) && c.getClosed(), Named.as(prefix + "-closed-1m"))
        .groupByKey(Grouped.with(prefix + "-by-symbol", keys, candles))
        .windowedBy(TimeWindows.ofSizeAndGrace(size, config.rollupGrace()))
        .emitStrategy(EmitStrategy.onWindowClose())
        .aggregate(
            () -> OhlcvAggregator.empty(interval),
            new CandleRollupAggregator(),
            Named.as(prefix + "-aggregate"),
            Materialized.<String, Candle, WindowStore<Bytes, byte[]>>as(storeName)
                .withKeySerde(keys)
                .withValueSerde(serdes.state(Candle.class))
                .withRetention(closeOnlyRetention(size.multipliedBy(48), config.rollupGrace()))
                .withCachingEnabled()) // see the class comment
        .toStream(Named.as(prefix + "-to-stream"))
        .process(new WindowCloser<>(OhlcvAggregator::close), Named.as(prefix + "-close"))
        .to(topic, Produced.with(keys, candles).withName(prefix + "-sink"));
  }
}
