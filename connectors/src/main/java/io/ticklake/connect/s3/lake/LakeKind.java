package io.ticklake.connect.s3.lake;

import io.ticklake.schema.topic.LakeKinds;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;

/**
 * What compaction and QA need to know about one kind of lake data ({@code trades}, {@code
 * ohlcv-1m}, ...), read from the model's one declaration of it ({@link LakeKinds}): its primary key,
 * the columns that hold prices and sizes, and how its rows cover time. Event kinds (trades, quotes,
 * book) cover the minute of their {@code eventTime}; interval kinds (candles, CVD, OFI) cover
 * {@code [start, end)} of their window, which must sit on the interval's grid.
 *
 * @param name the kind, the first segment of a partition
 * @param primaryKey the key columns
 * @param nonNegative columns that hold prices or sizes: never NaN, infinite or negative
 * @param levelArrays list-of-{@code Level} columns ({@code bids}, {@code asks}) whose price and size are checked too
 * @param grid the interval window of interval kinds
 * @param candle whether OHLC validity and closed-only apply
 * @param timeSeries whether coverage and silences are judged (not for reference data)
 * @param fromTrades whether its rows appear only with trades (trades, candles, CVD): a quiet market
 *     leaves minutes without rows
 */
public record LakeKind(
    String name,
    List<String> primaryKey,
    List<String> nonNegative,
    List<String> levelArrays,
    Optional<Grid> grid,
    boolean candle,
    boolean timeSeries,
    boolean fromTrades) {

  /** The event-time column every kind carries; the sink partitions on it. */
  public static final String EVENT_TIME = "eventTime";

  /** An interval window (see {@link LakeKinds.Grid}). */
  public record Grid(String start, String end, String intervalLabel, String onlyWhere) {}

  /** The rules of a declared kind; an undeclared one is refused by name. */
  public static LakeKind of(String kind) {
    LakeKinds.Kind k = LakeKinds.of(kind);
    LakeKinds.Grid g = k.grid();
    return new LakeKind(k.name(), k.primaryKey(), k.nonNegative(), k.levelArrays(),
        g == null ? Optional.empty() : Optional.of(new Grid(g.start(), g.end(), g.intervalLabel(), g.onlyWhere())), k.candle(),
        k.timeSeries(), k.series() == LakeKinds.Series.TRADES);
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
