package io.ticklake.streams.ohlcv;

import io.ticklake.schema.topic.Topics;
import io.ticklake.schema.v1.Candle;
import io.ticklake.schema.v1.Trade;
import io.ticklake.streams.AppConfig;
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
import org.apache.kafka.streams.state.WindowStore;

/**
 * Candles: 1-minute candles from deduplicated, on-time market trades, emitted once when the window
 * closes (stream time past its end plus the grace); 5-minute and 1-hour rollups of the closed
 * 1-minute candles, read back from their topic.
 *
 * <p>Every window store emitted on window close (here, in CVD and in OFI) has caching disabled:
 * the first close after a start scans a caching window store interval by interval from the epoch
 * (Kafka's {@code TimeOrderedCachingWindowStore}), tens of seconds per store, which outlasts the
 * exactly-once transaction timeout, so the task was fenced and started over, forever (seen with
 * {@code ./ticklake up}). The RocksDB store visits only the segments that exist. Uncached, a
 * store must also retain a window until it is emitted: with the default retention (size plus
 * grace) a jump in stream time expired windows in the store before the close emitted them, which
 * the cache used to hide; see {@link #uncachedRetention}.
 */
public final class OhlcvTopology {
  public static final String OHLCV_1M_GROUPED = "ohlcv-1m-by-symbol";
  public static final String OHLCV_1M_AGGREGATE = "ohlcv-1m-aggregate";
  public static final String OHLCV_1M_STORE = "ohlcv-1m-store";
  public static final String OHLCV_5M_STORE = "ohlcv-5m-store";
  public static final String OHLCV_1H_STORE = "ohlcv-1h-store";
  /** How long closed candles stay queryable. */
  public static final Duration OHLCV_1M_RETENTION = Duration.ofDays(1);

  private OhlcvTopology() {}

  /** Retention of an uncached emit-on-close window store: a day, at least size plus grace. */
  public static Duration uncachedRetention(Duration size, Duration grace) {
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
    trades
        .groupByKey(Grouped.with(OHLCV_1M_GROUPED, keys, serdes.value(Trade.class)))
        .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMinutes(1), config.ohlcvGrace()))
        .emitStrategy(EmitStrategy.onWindowClose())
        .aggregate(
            OhlcvAggregator::empty,
            new OhlcvAggregator(),
            Named.as(OHLCV_1M_AGGREGATE),
            Materialized.<String, Candle, WindowStore<Bytes, byte[]>>as(OHLCV_1M_STORE)
                .withKeySerde(keys)
                .withValueSerde(candles)
                .withRetention(OHLCV_1M_RETENTION)
                .withCachingDisabled()) // see the class comment
        .toStream(Named.as("ohlcv-1m-to-stream"))
        .process(new WindowCloser<>(OhlcvAggregator::close), Named.as("ohlcv-1m-close"))
        .to(Topics.OHLCV_1M, Produced.with(keys, candles).withName("ohlcv-1m-sink"));

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
                .withValueSerde(candles)
                .withRetention(size.multipliedBy(48).plus(config.rollupGrace()))
                .withCachingDisabled()) // see the class comment
        .toStream(Named.as(prefix + "-to-stream"))
        .process(new WindowCloser<>(OhlcvAggregator::close), Named.as(prefix + "-close"))
        .to(topic, Produced.with(keys, candles).withName(prefix + "-sink"));
  }
}
