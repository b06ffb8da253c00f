package io.ticklake.streams.features;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Labels of a closed minute, pure.
 *
 * <p>Regime (2x2): active when trades per second over the last {@code winSecs} (whole minutes, the
 * current one included) reach {@code activeTps}, else quiet; high volatility when the realized
 * volatility over the same window (square root of the sum of squared 1-minute log returns of the
 * close) is above the median of its last {@code medianMinutes} values (the current one included),
 * else low. Labels {@code A_H, A_L, Q_H, Q_L}.
 *
 * <p>Session by UTC hour: TOKYO [00, 07) and [21, 24) (Asia-Pacific opens), LONDON [07, 13),
 * NEW_YORK [13, 21).
 */
public final class RegimeLabeler {
  private final int winSecs;
  private final double activeTps;
  private final int medianMinutes;

  /** One closed minute: its start, trade count and close price. */
  public record Minute(long startMs, long trades, double close) {}

  /** The labels and the numbers behind them. */
  public record Labels(double tradesPerSecond, double realizedVol, double realizedVolMedian, String regime, String session) {}

  public RegimeLabeler(int winSecs, double activeTps, int medianMinutes) {
    this.winSecs = winSecs;
    this.activeTps = activeTps;
    this.medianMinutes = medianMinutes;
  }

  /** Minutes of history kept per key. */
  public int windowMinutes() {
    return (winSecs + 59) / 60;
  }

  public int medianMinutes() {
    return medianMinutes;
  }

  /**
   * Labels the last minute of {@code minutes} (oldest first, at most {@link #windowMinutes()} + 1
   * kept) and appends its realized volatility to {@code rvHistory} (trimmed to the median span).
   */
  public Labels label(List<Minute> minutes, Deque<Double> rvHistory) {
    Minute current = minutes.get(minutes.size() - 1);
    long from = current.startMs() - (windowMinutes() - 1) * 60_000L;
    long trades = 0;
    double sumSq = 0;
    Minute previous = null;
    for (Minute m : minutes) {
      if (m.startMs() >= from) {
        trades += m.trades();
        if (previous != null && previous.close() > 0 && m.close() > 0) {
          double r = Math.log(m.close() / previous.close());
          sumSq += r * r;
        }
      }
      previous = m;
    }
    double tps = trades / (double) winSecs;
    double rv = Math.sqrt(sumSq);
    rvHistory.addLast(rv);
    while (rvHistory.size() > medianMinutes) {
      rvHistory.removeFirst();
    }
    double median = median(new ArrayList<>(rvHistory));
    String regime = (tps >= activeTps ? "A" : "Q") + "_" + (rv > median ? "H" : "L");
    return new Labels(tps, rv, median, regime, session(Instant.ofEpochMilli(current.startMs())));
  }

  /** The trading session of an instant, by UTC hour. */
  public static String session(Instant t) {
    int hour = t.atZone(ZoneOffset.UTC).getHour();
    if (hour < 7 || hour >= 21) {
      return "TOKYO";
    }
    return hour < 13 ? "LONDON" : "NEW_YORK";
  }

  static double median(List<Double> values) {
    values.sort(Double::compare);
    int n = values.size();
    return n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
  }
}
