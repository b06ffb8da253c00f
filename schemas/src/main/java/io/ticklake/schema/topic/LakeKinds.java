package io.ticklake.schema.topic;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every kind of data in the Parquet lake, declared once: the topic it comes from, its primary key
 * (what identifies a row: the sink's files, compaction's dedup, QA's {@code pk-unique} and the
 * provisioner's connector all read it here), the columns that hold prices and sizes, and how its
 * rows cover time. A topic or kind not declared here is refused by name, never given a guessed key.
 */
public final class LakeKinds {

  /**
   * An interval window: start and end (exclusive) columns, and a SQL expression giving the interval
   * label ({@code 1s}, {@code 1m}, {@code 5m}, {@code 1h}, {@code 1d}) of a row; rows where {@code
   * onlyWhere} is false (e.g. OFI's running {@code day} window) are not on a grid.
   */
  public record Grid(String start, String end, String intervalLabel, String onlyWhere) {}

  /** What makes a kind's rows appear. */
  public enum Series {
    /** Definitions, written when read: a definition a day is complete, silences mean nothing. */
    REFERENCE,
    /** A row per trade, or per interval with trades: a quiet market leaves minutes without rows. */
    TRADES,
    /** A row whenever the book or the quotes move. */
    BOOK
  }

  /**
   * One kind of lake data.
   *
   * @param name the kind, the first segment of a partition ({@code trades})
   * @param topic the topic it is sunk from
   * @param primaryKey the columns that identify a row
   * @param nonNegative columns that hold prices or sizes: never NaN, infinite or negative
   * @param levelArrays list-of-{@code Level} columns ({@code bids}, {@code asks}) whose price and
   *     size are checked too
   * @param grid the interval window of interval kinds, or {@code null}
   * @param candle whether OHLC validity and closed-only apply
   * @param series what makes its rows appear, so what a silence in them means
   */
  public record Kind(
      String name,
      String topic,
      List<String> primaryKey,
      List<String> nonNegative,
      List<String> levelArrays,
      Grid grid,
      boolean candle,
      Series series) {

    /** Whether the kind is a series whose coverage and silences QA judges (reference data is not). */
    public boolean timeSeries() {
      return series != Series.REFERENCE;
    }

    public Kind {
      primaryKey = List.copyOf(primaryKey);
      nonNegative = List.copyOf(nonNegative);
      levelArrays = List.copyOf(levelArrays);
      if (primaryKey.isEmpty()) {
        throw new IllegalArgumentException("lake kind " + name + " needs a primary key");
      }
    }
  }

  private static final List<String> CANDLE_KEY = List.of("venue", "symbol", "interval", "openTime", "source");
  private static final List<String> CANDLE_PRICES =
      List.of("open", "high", "low", "close", "volume", "quoteVolume", "vwap", "takerBuyVolume", "takerSellVolume");
  private static final Grid CANDLE_GRID = new Grid("openTime", "closeTime", "\"interval\"", "true");

  private static final Map<String, Kind> BY_NAME = new LinkedHashMap<>();

  static {
    add(new Kind("trades", Topics.TRADES, List.of("venue", "symbol", "tradeId"), List.of("price", "size"), List.of(), null, false, Series.TRADES));
    add(new Kind("quotes", Topics.QUOTES, List.of("venue", "symbol", "updateId", "eventTime"),
        List.of("bidPrice", "bidSize", "askPrice", "askSize"), List.of(), null, false, Series.BOOK));
    // A diff and a snapshot can carry the same sequence (a periodic snapshot of an unchanged book).
    add(new Kind("book", Topics.BOOK, List.of("venue", "symbol", "finalUpdateId", "snapshot"), List.of(), List.of("bids", "asks"),
        null, false, Series.BOOK));
    add(new Kind("candles", Topics.VENUE_CANDLES, CANDLE_KEY, CANDLE_PRICES, List.of(), CANDLE_GRID, true, Series.TRADES));
    add(new Kind("instruments", Topics.INSTRUMENTS, List.of("venue", "symbol", "eventTime"),
        List.of("contractSize", "tickSize", "lotSize", "minSize", "strike", "multiplier"), List.of(), null, false, Series.REFERENCE));
    add(new Kind("ohlcv-1m", Topics.OHLCV_1M, CANDLE_KEY, CANDLE_PRICES, List.of(), CANDLE_GRID, true, Series.TRADES));
    add(new Kind("ohlcv-5m", Topics.OHLCV_5M, CANDLE_KEY, CANDLE_PRICES, List.of(), CANDLE_GRID, true, Series.TRADES));
    add(new Kind("ohlcv-1h", Topics.OHLCV_1H, CANDLE_KEY, CANDLE_PRICES, List.of(), CANDLE_GRID, true, Series.TRADES));
    // A window=day row is the day's running total after one closed minute, windowEnd that
    // minute's end: one row per minute, all kept (windowEnd is implied for 1s and 1m rows).
    add(new Kind("ofi", Topics.OFI, List.of("venue", "symbol", "window", "windowStart", "windowEnd"), List.of(), List.of(),
        new Grid("windowStart", "windowEnd", "\"window\"", "\"window\" <> 'day'"), false, Series.BOOK));
    add(new Kind("cvd", Topics.CVD, List.of("venue", "symbol", "windowStart"), List.of("buyVolume", "sellVolume"), List.of(),
        new Grid("windowStart", "windowEnd", "'1m'", "true"), false, Series.TRADES));
  }

  private static void add(Kind k) {
    BY_NAME.put(k.name(), k);
  }

  private LakeKinds() {}

  /** Every kind, in the order the lake's documentation lists them. */
  public static List<Kind> all() {
    return List.copyOf(BY_NAME.values());
  }

  /** The topics the lake connector sinks, one per kind. */
  public static List<String> topics() {
    List<String> out = new ArrayList<>();
    BY_NAME.values().forEach(k -> out.add(k.topic()));
    return out;
  }

  /** A kind by name; an undeclared one is refused, naming the declared ones. */
  public static Kind of(String name) {
    Kind k = BY_NAME.get(name);
    if (k == null) {
      throw new IllegalArgumentException("unknown lake kind '" + name + "'; the lake's kinds are " + String.join(", ", BY_NAME.keySet()));
    }
    return k;
  }

  /** The kind a topic lands in; a topic without one is refused by name. */
  public static Kind ofTopic(String topic) {
    for (Kind k : BY_NAME.values()) {
      if (k.topic().equals(topic)) {
        return k;
      }
    }
    throw new IllegalArgumentException("topic '" + topic + "' has no lake kind; the lake sinks " + String.join(", ", topics()));
  }

  /** Whether a kind is declared. */
  public static boolean known(String name) {
    return BY_NAME.containsKey(name);
  }
}
