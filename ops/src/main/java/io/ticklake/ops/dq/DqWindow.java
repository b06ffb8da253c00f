package io.ticklake.ops.dq;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ticklake.schema.v1.Trade;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * What arrived during one validation window, kept small enough for a day of a busy venue: per
 * venue, symbol and channel the trade ids seen (a bit set from the first id, the venues' ids being
 * dense per symbol), a latency sample (receive minus event time; reservoir of {@link #SAMPLE}),
 * and the regime label of every per-minute feature record. Not thread-safe: one consumer thread
 * feeds it.
 */
public final class DqWindow {
  static final int SAMPLE = 100_000;
  static final List<String> REGIMES = List.of("A_H", "A_L", "Q_H", "Q_L");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The thresholds a window is judged against. */
  public record Limits(double completenessMin, long duplicatesMax, long latencyP99MaxMs, int regimesMin, boolean replay) {}

  /** One symbol's trades of one channel. */
  static final class Stream {
    final String venue;
    final String symbol;
    final String channel;
    long trades;
    long duplicates;
    long nonNumericIds;
    long base = Long.MIN_VALUE;
    long minId = Long.MAX_VALUE;
    long maxId = Long.MIN_VALUE;
    final BitSet seen = new BitSet();
    final Set<Long> below = new HashSet<>();
    long[] latencies = new long[1024];
    int latencyCount;
    long latencySeen;
    Instant firstEvent;
    Instant lastEvent;

    Stream(String venue, String symbol, String channel) {
      this.venue = venue;
      this.symbol = symbol;
      this.channel = channel;
    }
  }

  /** A feature minute: who, when, which regime scene. */
  public record Slice(String venue, String symbol, String windowStart, String windowEnd, String regime) {}

  private final Instant start;
  private final Map<String, Stream> streams = new TreeMap<>();
  private final List<Slice> slices = new ArrayList<>();
  private final Map<String, Long> regimeCounts = new TreeMap<>();
  private long unreadableFeatures;
  private final Random random = new Random(42);

  public DqWindow(Instant start) {
    this.start = start;
    REGIMES.forEach(r -> regimeCounts.put(r, 0L));
  }

  public Instant start() {
    return start;
  }

  /** Counts one trade. */
  public void add(Trade t) {
    String key = t.getVenue() + "\u0000" + t.getSymbol() + "\u0000" + t.getChannel();
    Stream s = streams.computeIfAbsent(key, k -> new Stream(t.getVenue(), t.getSymbol(), t.getChannel()));
    s.trades++;
    s.firstEvent = s.firstEvent == null || t.getEventTime().isBefore(s.firstEvent) ? t.getEventTime() : s.firstEvent;
    s.lastEvent = s.lastEvent == null || t.getEventTime().isAfter(s.lastEvent) ? t.getEventTime() : s.lastEvent;
    long latencyMs = Duration.between(t.getEventTime(), t.getReceiveTime()).toMillis();
    s.latencySeen++;
    if (s.latencyCount < SAMPLE) {
      if (s.latencyCount == s.latencies.length) {
        s.latencies = Arrays.copyOf(s.latencies, Math.min(SAMPLE, s.latencies.length * 2));
      }
      s.latencies[s.latencyCount++] = latencyMs;
    } else {
      long j = (long) (random.nextDouble() * s.latencySeen);
      if (j < SAMPLE) {
        s.latencies[(int) j] = latencyMs;
      }
    }
    long id;
    try {
      id = Long.parseLong(t.getTradeId());
    } catch (NumberFormatException e) {
      s.nonNumericIds++;
      return;
    }
    if (s.base == Long.MIN_VALUE) {
      s.base = id;
    }
    s.minId = Math.min(s.minId, id);
    s.maxId = Math.max(s.maxId, id);
    boolean repeated;
    if (id >= s.base && id - s.base < Integer.MAX_VALUE) {
      int bit = (int) (id - s.base);
      repeated = s.seen.get(bit);
      s.seen.set(bit);
    } else {
      repeated = !s.below.add(id);
    }
    if (repeated) {
      s.duplicates++;
    }
  }

  /** Counts one per-minute feature record (the streams app's JSON with a {@code regime}). */
  public void addFeature(String json) {
    try {
      JsonNode f = JSON.readTree(json);
      String regime = f.path("regime").asText("");
      if (!REGIMES.contains(regime)) {
        unreadableFeatures++;
        return;
      }
      regimeCounts.merge(regime, 1L, Long::sum);
      slices.add(new Slice(f.path("venue").asText(), f.path("symbol").asText(),
          f.path("windowStart").asText(), f.path("windowEnd").asText(), regime));
    } catch (Exception e) {
      unreadableFeatures++;
    }
  }

  public List<Slice> slices() {
    return slices;
  }

  public Map<String, Long> regimeCounts() {
    return regimeCounts;
  }

  /**
   * Judges the window.
   *
   * @param expected the symbols being collected, as {@code venue:symbol}; one without trades fails
   *     completeness
   */
  public List<DqReport.Check> judge(Limits limits, Set<String> expected) {
    List<DqReport.Check> checks = new ArrayList<>();
    Set<String> withTrades = new HashSet<>();
    for (Stream s : streams.values()) {
      withTrades.add(s.venue + ":" + s.symbol);
      long distinct = s.seen.cardinality() + s.below.size();
      if (distinct > 0) {
        long span = s.maxId - s.minId + 1;
        double ratio = distinct / (double) span;
        checks.add(new DqReport.Check("completeness", s.venue, s.symbol,
            ratio >= limits.completenessMin() ? "PASS" : "FAIL", fmt(ratio), fmt(limits.completenessMin()),
            s.channel + ": " + distinct + " distinct trade ids of " + span + " from " + s.minId + " to " + s.maxId
                + " (" + (span - distinct) + " missing)"));
      } else {
        checks.add(new DqReport.Check("completeness", s.venue, s.symbol, "WARN", null, fmt(limits.completenessMin()),
            s.channel + ": trade ids are not numeric (" + s.nonNumericIds + "); completeness not measurable"));
      }
      checks.add(new DqReport.Check("duplicates", s.venue, s.symbol,
          s.duplicates <= limits.duplicatesMax() ? "PASS" : "FAIL", Long.toString(s.duplicates),
          Long.toString(limits.duplicatesMax()), s.channel + ": " + s.duplicates + " trade ids seen more than once in " + s.trades + " trades"));
      long[] sorted = Arrays.copyOf(s.latencies, s.latencyCount);
      Arrays.sort(sorted);
      long p50 = percentile(sorted, 0.50);
      long p99 = percentile(sorted, 0.99);
      String detail = s.channel + ": receive minus event time p50 " + p50 + " ms, p99 " + p99 + " ms, max "
          + (sorted.length == 0 ? 0 : sorted[sorted.length - 1]) + " ms over " + s.latencySeen + " trades";
      String status = p99 <= limits.latencyP99MaxMs() ? "PASS" : "FAIL";
      if (limits.replay()) {
        // Replayed frames carry the capture's event times and today's receive times.
        status = "WARN";
        detail = "replay (simulate=true): event times are the capture's, not judged; " + detail;
      }
      checks.add(new DqReport.Check("latency", s.venue, s.symbol, status, Long.toString(p99),
          Long.toString(limits.latencyP99MaxMs()), detail));
    }
    for (String e : new java.util.TreeSet<>(expected)) {
      if (!withTrades.contains(e)) {
        int colon = e.indexOf(':');
        checks.add(new DqReport.Check("completeness", e.substring(0, colon), e.substring(colon + 1), "FAIL", "0",
            fmt(limits.completenessMin()), "no trade arrived in the window for a collected symbol"));
      }
    }
    long covered = regimeCounts.values().stream().filter(n -> n > 0).count();
    long features = regimeCounts.values().stream().mapToLong(Long::longValue).sum();
    String cov = "regime scenes " + regimeCounts + " over " + features + " feature minutes"
        + (unreadableFeatures > 0 ? " (" + unreadableFeatures + " without a regime label)" : "");
    if (features == 0) {
      checks.add(new DqReport.Check("coverage", "all", null, limits.regimesMin() == 0 ? "PASS" : "WARN", "0",
          Integer.toString(limits.regimesMin()), "no feature record in the window (is the streams app running?)"));
    } else {
      checks.add(new DqReport.Check("coverage", "all", null, covered >= limits.regimesMin() ? "PASS" : "FAIL",
          Long.toString(covered), Integer.toString(limits.regimesMin()), cov));
    }
    return checks;
  }

  static long percentile(long[] sorted, double q) {
    if (sorted.length == 0) {
      return 0;
    }
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  private static String fmt(double d) {
    return new java.math.BigDecimal(d).setScale(6, java.math.RoundingMode.HALF_EVEN).stripTrailingZeros().toPlainString();
  }
}
