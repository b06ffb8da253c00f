package io.ticklake.schema.topic;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The catalogue of topics ticklake creates itself, with their partitions, retention and cleanup
 * policies. Names follow {@code md.<stage>.<venue>.<type>.v<N>}; an incompatible schema change
 * means a new {@code vN} topic.
 */
public final class Topics {
  /** Partitions of data topics: one per default symbol, so each symbol can own a partition. */
  public static final int DATA_PARTITIONS = 6;

  public static final Duration RAW_RETENTION = Duration.ofDays(7);
  public static final Duration NORM_RETENTION = Duration.ofDays(14);
  public static final Duration AGG_RETENTION = Duration.ofDays(30);
  public static final Duration OPS_RETENTION = Duration.ofDays(30);

  public static final String TRADES = "md.norm.trades.v1";
  public static final String QUOTES = "md.norm.quotes.v1";
  public static final String BOOK = "md.norm.book.v1";
  public static final String VENUE_CANDLES = "md.norm.candles.v1";
  /** Reference data of every collected instrument ({@code Instrument}), the latest per venue:symbol. */
  public static final String INSTRUMENTS = "md.ref.instruments.v1";
  public static final String OHLCV_1M = "md.agg.ohlcv-1m.v1";
  public static final String OHLCV_5M = "md.agg.ohlcv-5m.v1";
  public static final String OHLCV_1H = "md.agg.ohlcv-1h.v1";
  public static final String OFI = "md.agg.ofi.v1";
  public static final String CVD = "md.agg.cvd.v1";
  public static final String FEATURES_1M = "md.agg.features-1m.v1";
  public static final String GAPS = "md.ops.gaps.v1";
  public static final String PRODUCER_GAPS = "md.ops.producer-gaps.v1";
  public static final String DATA_QUALITY = "md.ops.dq.v1";
  public static final String ALERTS = "md.ops.alerts.v1";
  public static final String LATE = "md.ops.late.v1";
  public static final String DEAD_LETTER = "md.ops.dead-letter.v1";

  private Topics() {}

  /** The raw topic of a venue: every frame exactly as received, so parsers can be replayed. */
  public static String raw(String venue) {
    return "md.raw." + venue + ".frames.v1";
  }

  /** Every topic the pipeline needs for the given venues, in creation order. */
  public static List<TopicSpec> all(Collection<String> venues) {
    List<TopicSpec> specs = new ArrayList<>();
    for (String venue : venues) {
      specs.add(
          new TopicSpec(
              raw(venue),
              DATA_PARTITIONS,
              "delete",
              RAW_RETENTION,
              "raw frames of " + venue + ", unmodified, for replay"));
    }
    specs.add(data(TRADES, NORM_RETENTION, "normalized trades (Trade)"));
    specs.add(data(QUOTES, NORM_RETENTION, "top of book (Quote)"));
    specs.add(data(BOOK, NORM_RETENTION, "order-book diffs and snapshots (BookDelta)"));
    specs.add(data(VENUE_CANDLES, NORM_RETENTION, "venue-native candles (Candle, source=venue)"));
    // Reference data: the latest definition of each instrument is kept for good (compacted).
    specs.add(new TopicSpec(INSTRUMENTS, DATA_PARTITIONS, "compact", null, "instrument reference data (Instrument)"));
    specs.add(derived(OHLCV_1M, "closed 1-minute candles from trades (Candle)"));
    specs.add(derived(OHLCV_5M, "5-minute rollups of 1-minute candles (Candle)"));
    specs.add(derived(OHLCV_1H, "1-hour rollups of 1-minute candles (Candle)"));
    specs.add(derived(OFI, "order-flow imbalance per second, minute, day (Ofi)"));
    specs.add(derived(CVD, "cumulative volume delta per minute (Cvd)"));
    specs.add(derived(FEATURES_1M, "per-minute feature record with regime labels"));
    // Gap events are updated in place by gapId (PENDING -> FILLED): keep the latest, drop old ones.
    // The Streams app writes them too, stamped with the venue time of the trade or candle.
    specs.add(
        new TopicSpec(
            GAPS,
            3,
            "compact,delete",
            OPS_RETENTION,
            TopicSpec.LOG_APPEND_TIME,
            "gap events and their backfill status"));
    specs.add(
        new TopicSpec(
            PRODUCER_GAPS, 3, "delete", OPS_RETENTION, "gaps producers report, for the streams app"));
    specs.add(new TopicSpec(DATA_QUALITY, 1, "delete", OPS_RETENTION, "data-quality results"));
    specs.add(new TopicSpec(ALERTS, 1, "delete", OPS_RETENTION, "health-state transitions"));
    specs.add(
        new TopicSpec(
            LATE, 3, "delete", OPS_RETENTION, TopicSpec.LOG_APPEND_TIME, "records later than the grace"));
    specs.add(
        new TopicSpec(DEAD_LETTER, 3, "delete", OPS_RETENTION, "input that could not be read"));
    return specs;
  }

  private static TopicSpec data(String name, Duration retention, String purpose) {
    return new TopicSpec(name, DATA_PARTITIONS, "delete", retention, purpose);
  }

  /**
   * A topic the Streams app writes. Kafka Streams stamps an output record with the time of the
   * input it came from, the venue event time: a replay of a capture from 2024 would be past
   * retention on arrival and deleted before the lake sink read it. The broker's append time
   * governs retention instead; nothing reads these topics' Kafka timestamps (the Streams app and
   * the lake sink take event time from the value).
   */
  private static TopicSpec derived(String name, String purpose) {
    return new TopicSpec(name, DATA_PARTITIONS, "delete", AGG_RETENTION, TopicSpec.LOG_APPEND_TIME, purpose);
  }
}
