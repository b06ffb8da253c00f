package io.ticklake.streams.cvd;

import io.ticklake.schema.topic.Topics;
import io.ticklake.schema.v1.Cvd;
import io.ticklake.schema.v1.Trade;
import io.ticklake.streams.AppConfig;
import io.ticklake.streams.internal.RunningTotal;
import io.ticklake.streams.internal.WindowCloser;
import io.ticklake.streams.ohlcv.OhlcvTopology;
import io.ticklake.streams.serde.SerdeFactory;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.EmitStrategy;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.WindowStore;

/**
 * CVD per minute (emitted when the minute closes) with its running total since the start of the
 * UTC day; the latest running value per key stays in {@link #CVD_DAY_STORE}.
 */
public final class CvdTopology {
  public static final String CVD_1M_GROUPED = "cvd-1m-by-symbol";
  public static final String CVD_1M_AGGREGATE = "cvd-1m-aggregate";
  public static final String CVD_1M_STORE = "cvd-1m-store";
  public static final String CVD_DAY_STORE = "cvd-day-store";

  private CvdTopology() {}

  /** Adds CVD; returns the closed minutes with their cumulative values. */
  public static KStream<String, Cvd> addTo(
      StreamsBuilder builder, KStream<String, Trade> trades, AppConfig config, SerdeFactory serdes) {
    Serde<String> keys = serdes.key();
    Serde<Cvd> cvds = serdes.value(Cvd.class);
    KStream<String, Cvd> minutes =
        trades
            .groupByKey(Grouped.with(CVD_1M_GROUPED, keys, serdes.value(Trade.class)))
            .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMinutes(1), config.ohlcvGrace()))
            .emitStrategy(EmitStrategy.onWindowClose())
            .aggregate(
                CvdCalculator::empty,
                new CvdCalculator(),
                Named.as(CVD_1M_AGGREGATE),
                Materialized.<String, Cvd, WindowStore<Bytes, byte[]>>as(CVD_1M_STORE)
                    .withKeySerde(keys)
                    .withValueSerde(cvds)
                    .withRetention(OhlcvTopology.closeOnlyRetention(Duration.ofMinutes(1), config.ohlcvGrace()))
                    .withCachingEnabled()) // see OhlcvTopology's class comment
            .toStream(Named.as("cvd-1m-to-stream"))
            .process(new WindowCloser<Cvd>((c, start, end) -> CvdCalculator.close(c, start, end, null)), Named.as("cvd-1m-close"))
            .processValues(
                new RunningTotal<Cvd>(
                    CVD_DAY_STORE,
                    cvds,
                    (previous, minute) -> CvdCalculator.close(minute, minute.getWindowStart(), minute.getWindowEnd(), previous)),
                Named.as("cvd-day-cumulative"));
    minutes.to(Topics.CVD, Produced.with(keys, cvds).withName("cvd-sink"));
    return minutes;
  }
}
