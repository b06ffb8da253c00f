package io.ticklake.connect.s3.compact;

import java.util.List;
import java.util.Map;

/** The primary key of each kind, from the model's record docs; compaction dedups on it. */
public final class PrimaryKeys {
  private static final List<String> CANDLE = List.of("venue", "symbol", "interval", "openTime", "source");

  private static final Map<String, List<String>> BY_KIND = Map.ofEntries(
      Map.entry("trades", List.of("venue", "symbol", "tradeId")),
      Map.entry("quotes", List.of("venue", "symbol", "updateId", "eventTime")),
      Map.entry("book", List.of("venue", "symbol", "finalUpdateId", "snapshot")),
      Map.entry("candles", CANDLE),
      // A window=day row is the day's running total after one closed minute, windowEnd that
      // minute's end: one row per minute, all kept (windowEnd is implied for 1s and 1m rows).
      Map.entry("ofi", List.of("venue", "symbol", "window", "windowStart", "windowEnd")),
      Map.entry("cvd", List.of("venue", "symbol", "windowStart")),
      Map.entry("gaps", List.of("gapId")),
      Map.entry("dq", List.of("runId", "check", "venue", "symbol")));

  private PrimaryKeys() {}

  /** The key columns of a kind; ohlcv-* are candles; unknown kinds have none (whole-row dedup). */
  public static List<String> of(String kind) {
    if (kind.startsWith("ohlcv-")) {
      return CANDLE;
    }
    return BY_KIND.getOrDefault(kind, List.of());
  }
}
