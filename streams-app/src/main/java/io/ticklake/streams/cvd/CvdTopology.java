package io.ticklake.streams.cvd;

import io.ticklake.schema.topic.Topics;
import io.ticklake.schema.v1.Candle;
import io.ticklake.schema.v1.Cvd;
import io.ticklake.streams.AppConfig;
import io.ticklake.streams.internal.RunningTotal;
import io.ticklake.streams.internal.WindowCloser;
import io.ticklake.streams.serde.SerdeFactory;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Windowed;

/**
 * CVD per minute (emitted when the minute closes) with its running total since the start of the
 * UTC day; the latest running value per key stays in {@link #CVD_DAY_STORE}. A minute's CVD is
 * read off the same minute's candle aggregate ({@link CvdCalculator#ofCandle}): both sum the same
 * on-time market trades under the same grace, so one window store serves both, and the open
 * minutes of CVD are answered from the candle store.
 */
public final class CvdTopology {
  public static final String CVD_DAY_STORE = "cvd-day-store";

  private CvdTopology() {}

  /**
   * Adds CVD; returns the closed minutes with their cumulative values.
   *
   * @param closedCandleWindows the 1-minute candle aggregation's closed windows, before closing
   */
  public static KStream<String, Cvd> addTo(
      StreamsBuilder builder, KStream<Windowed<String>, Candle> closedCandleWindows, AppConfig config, SerdeFactory serdes) {
    Serde<String> keys = serdes.key();
    Serde<Cvd> cvds = serdes.value(Cvd.class);
    KStream<String, Cvd> minutes =
        closedCandleWindows
            .mapValues(
                (window, candle) ->
                    CvdCalculator.close(
                        CvdCalculator.ofCandle(candle), window.window().startTime(), window.window().endTime(), null),
                Named.as("cvd-1m-of-candle"))
            .process(new WindowCloser<Cvd>((c, start, end) -> c), Named.as("cvd-1m-close"))
            .processValues(
                new RunningTotal<Cvd>(
                    CVD_DAY_STORE,
                    serdes.state(Cvd.class),
                    (previous, minute) -> CvdCalculator.close(minute, minute.getWindowStart(), minute.getWindowEnd(), previous)),
                Named.as("cvd-day-cumulative"));
    minutes.to(Topics.CVD, Produced.with(keys, cvds).withName("cvd-sink"));
    return minutes;
  }
}
