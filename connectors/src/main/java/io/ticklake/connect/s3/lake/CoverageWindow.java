package io.ticklake.connect.s3.lake;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * The minutes a partition is expected to cover, {@code [startUs, endUs)} in epoch microseconds.
 *
 * <ul>
 *   <li>A whole UTC day, except on a stream's first day (from the minute of its first row) and its
 *       last day (to the end of the minute of its last row): a stream that started collecting at
 *       14:00 is not missing the morning.
 *   <li>Never beyond now (the current day is measured up to the present minute).
 *   <li>Interval kinds (candles) are partitioned by {@code eventTime}, which is at or just after
 *       the candle's close: day D holds the candles closing in D, so the window of D is shifted back
 *       by the interval ({@code [D - interval, D + 1 - interval)}).
 * </ul>
 *
 * @param startUs first microsecond expected (floored to a minute)
 * @param endUs end, exclusive (ceiled to a minute)
 */
public record CoverageWindow(long startUs, long endUs) {
  public static final long MINUTE_US = 60_000_000L;
  private static final long DAY_US = 24 * 60 * MINUTE_US;

  /**
   * @param date the partition's date
   * @param shiftUs the interval of an interval kind, 0 for event kinds
   * @param firstDay whether the date is the stream's first
   * @param lastDay whether the date is the stream's last
   * @param firstUs the first row's span start
   * @param lastUs the last row's span end
   * @param nowUs the present, epoch microseconds
   */
  public static CoverageWindow of(LocalDate date, long shiftUs, boolean firstDay, boolean lastDay, long firstUs,
      long lastUs, long nowUs) {
    long dayStart = date.atStartOfDay(ZoneOffset.UTC).toEpochSecond() * 1_000_000L - shiftUs;
    long start = firstDay ? Math.max(dayStart, Math.floorDiv(firstUs, MINUTE_US) * MINUTE_US) : dayStart;
    long end = lastDay ? Math.min(dayStart + DAY_US, ceilMinute(lastUs)) : dayStart + DAY_US;
    end = Math.min(end, ceilMinute(nowUs));
    return new CoverageWindow(start, Math.max(start, end));
  }

  /** Minutes expected in the window. */
  public long expectedMinutes() {
    return (endUs - startUs) / MINUTE_US;
  }

  /**
   * Distinct minutes of the window touched by some row of the table or view {@code table}, whose
   * rows' spans are given by the kind.
   */
  public long presentMinutes(Statement st, String table, LakeKind kind) throws SQLException {
    String sql = "SELECT count(DISTINCT m) FROM (SELECT unnest(range(s // " + MINUTE_US + ", (e + " + (MINUTE_US - 1) + ") // "
        + MINUTE_US + ")) AS m FROM (SELECT " + kind.spanStartUs() + " AS s, " + kind.spanEndUs() + " AS e FROM " + table
        + ")) WHERE m >= " + startUs / MINUTE_US + " AND m < " + endUs / MINUTE_US;
    try (ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static long ceilMinute(long us) {
    return Math.floorDiv(us + MINUTE_US - 1, MINUTE_US) * MINUTE_US;
  }
}
