package io.ticklake.connect.s3.lake;

import io.ticklake.connect.s3.compact.PrimaryKeys;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What compaction and QA need to know about one kind of lake data ({@code trades}, {@code
 * ohlcv-1m}, ...): its primary key, the columns that hold prices and sizes, and how its rows cover
 * time. Event kinds (trades, quotes, book) cover the minute of their {@code eventTime}; interval
 * kinds (candles, CVD, OFI) cover {@code [start, end)} of their window, which must sit on the
 * interval's grid.
 *
 * @param name the kind, the first segment of a partition
 * @param primaryKey the key columns; empty when the kind has none (whole-row identity)
 * @param nonNegative columns that hold prices or sizes: never NaN, infinite or negative
 * @param levelArrays list-of-{@code Level} columns ({@code bids}, {@code asks}) whose price and size are checked too
 * @param grid the interval window of interval kinds
 * @param candle whether OHLC validity and closed-only apply
 */
public record LakeKind(
    String name,
    List<String> primaryKey,
    List<String> nonNegative,
    List<String> levelArrays,
    Optional<Grid> grid,
    boolean candle) {

  /** The event-time column every kind carries; the sink partitions on it. */
  public static final String EVENT_TIME = "eventTime";

  /**
   * An interval window: start and end (exclusive) columns, and a SQL expression giving the
   * interval label ({@code 1s}, {@code 1m}, {@code 5m}, {@code 1h}, {@code 1d}) of a row; rows
   * where {@code onlyWhere} is false (e.g. OFI's running {@code day} window) are not on a grid.
   */
  public record Grid(String start, String end, String intervalLabel, String onlyWhere) {}

  private static final List<String> CANDLE_PRICES =
      List.of("open", "high", "low", "close", "volume", "quoteVolume", "vwap", "takerBuyVolume", "takerSellVolume");

  private static final Map<String, LakeKind> KINDS = Map.of(
      "trades", events("trades", List.of("price", "size"), List.of()),
      "quotes", events("quotes", List.of("bidPrice", "bidSize", "askPrice", "askSize"), List.of()),
      "book", events("book", List.of(), List.of("bids", "asks")),
      "cvd", new LakeKind("cvd", PrimaryKeys.of("cvd"), List.of("buyVolume", "sellVolume"), List.of(),
          Optional.of(new Grid("windowStart", "windowEnd", "'1m'", "true")), false),
      "ofi", new LakeKind("ofi", PrimaryKeys.of("ofi"), List.of(), List.of(),
          Optional.of(new Grid("windowStart", "windowEnd", "\"window\"", "\"window\" <> 'day'")), false));

  /** The rules of a kind; {@code ohlcv-*} and {@code candles} are candles; an unknown kind gets event rules. */
  public static LakeKind of(String kind) {
    if (kind.equals("candles") || kind.startsWith("ohlcv-")) {
      return new LakeKind(kind, PrimaryKeys.of(kind), CANDLE_PRICES, List.of(),
          Optional.of(new Grid("openTime", "closeTime", "\"interval\"", "true")), true);
    }
    LakeKind known = KINDS.get(kind);
    return known != null ? known : new LakeKind(kind, PrimaryKeys.of(kind), List.of(), List.of(), Optional.empty(), false);
  }

  private static LakeKind events(String name, List<String> nonNegative, List<String> levels) {
    return new LakeKind(name, PrimaryKeys.of(name), nonNegative, levels, Optional.empty(), false);
  }

  /**
   * SQL giving a row's covered time span in epoch microseconds, {@code [start, end)}: the window of
   * a candle, a point (one microsecond) at the event time otherwise. Coverage and gaps use it.
   */
  public String spanStartUs() {
    return candle ? "epoch_us(" + quote(grid.get().start()) + ")" : "epoch_us(" + quote(EVENT_TIME) + ")";
  }

  /** See {@link #spanStartUs()}. */
  public String spanEndUs() {
    return candle ? "epoch_us(" + quote(grid.get().end()) + ")" : "epoch_us(" + quote(EVENT_TIME) + ") + 1";
  }

  /**
   * The interval of an interval kind's rows in the table (the largest, should they differ), 0 for
   * event kinds: the shift of its {@link CoverageWindow}.
   */
  public long intervalMicros(Statement st, String table) throws SQLException {
    if (!candle) {
      return 0;
    }
    try (ResultSet rs = st.executeQuery("SELECT coalesce(max(" + intervalMicrosSql(grid.get().intervalLabel())
        + "), 0) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** The primary key as a quoted SQL column list. */
  public String primaryKeySql() {
    return String.join(", ", primaryKey.stream().map(LakeKind::quote).toList());
  }

  /** A double-quoted SQL identifier. */
  public static String quote(String column) {
    return "\"" + column.replace("\"", "\"\"") + "\"";
  }

  /** The SQL expression for an interval label's length in microseconds ({@code 1s 1m 5m 1h 1d}), null if not one. */
  public static String intervalMicrosSql(String labelSql) {
    return "(TRY_CAST(regexp_extract(" + labelSql + ", '^([0-9]+)[smhd]$', 1) AS BIGINT) * CASE regexp_extract(" + labelSql
        + ", '([smhd])$', 1) WHEN 's' THEN 1000000 WHEN 'm' THEN 60000000 WHEN 'h' THEN 3600000000 WHEN 'd' THEN 86400000000 END)";
  }
}
