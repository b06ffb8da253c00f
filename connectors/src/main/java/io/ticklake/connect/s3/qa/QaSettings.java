package io.ticklake.connect.s3.qa;

import java.time.Duration;

/**
 * Thresholds of the QA suite.
 *
 * @param gapThreshold a silence longer than this is a gap (default 5 minutes)
 * @param minCoverage the share of expected minutes that must be present (default 0.999)
 * @param futureSkew event times up to this far past the QA clock are tolerated (clock skew; default 1 minute)
 * @param venues what QA must know of each venue (a venue named nowhere trades continuously)
 */
public record QaSettings(Duration gapThreshold, double minCoverage, Duration futureSkew, java.util.Map<String, VenueTraits> venues) {
  public static final Duration GAP_THRESHOLD_DEFAULT = Duration.ofMinutes(5);
  public static final double MIN_COVERAGE_DEFAULT = 0.999;
  public static final Duration FUTURE_SKEW_DEFAULT = Duration.ofMinutes(1);

  /**
   * A venue as QA judges it: whether it trades around the clock (only then are silences and
   * uncovered minutes of its series failures), how long its streams may be silent (the gap
   * threshold is never shorter), and whether its symbols may go hours without a trade (then the
   * series made of trades are not judged for silences and coverage; its book and quotes are).
   */
  public record VenueTraits(boolean continuousTrading, Duration staleAfter, boolean quietSymbols) {
    public VenueTraits(boolean continuousTrading, Duration staleAfter) {
      this(continuousTrading, staleAfter, false);
    }

    /**
     * {@code <venue>=<continuous|sessions>/<stale-after seconds>[/quiet]}, comma-separated, as
     * {@code ./ticklake qa} passes each venue's traits ({@code binance-usdm=continuous/60},
     * {@code coinbase=continuous/60/quiet}).
     */
    public static java.util.Map<String, VenueTraits> parse(String spec) {
      java.util.Map<String, VenueTraits> out = new java.util.TreeMap<>();
      if (spec == null || spec.isBlank()) {
        return out;
      }
      for (String item : spec.split(",")) {
        String[] kv = item.trim().split("=", 2);
        String[] parts = kv.length == 2 ? kv[1].split("/", 3) : new String[0];
        if (parts.length < 2 || !(parts[0].equals("continuous") || parts[0].equals("sessions"))
            || !parts[1].matches("[0-9]{1,9}") || (parts.length == 3 && !parts[2].equals("quiet"))) {
          throw new IllegalArgumentException("--venue-traits takes <venue>=<continuous|sessions>/<seconds>[/quiet], got '" + item + "'");
        }
        out.put(kv[0], new VenueTraits(parts[0].equals("continuous"), Duration.ofSeconds(Long.parseLong(parts[1])), parts.length == 3));
      }
      return out;
    }
  }

  public QaSettings(Duration gapThreshold, double minCoverage, Duration futureSkew) {
    this(gapThreshold, minCoverage, futureSkew, java.util.Map.of());
  }

  public QaSettings {
    venues = java.util.Map.copyOf(venues);
  }

  public static QaSettings defaults() {
    return new QaSettings(GAP_THRESHOLD_DEFAULT, MIN_COVERAGE_DEFAULT, FUTURE_SKEW_DEFAULT);
  }

  /** A venue's traits; a venue named nowhere trades continuously and may be silent for the gap threshold. */
  public VenueTraits venue(String venue) {
    return venues.getOrDefault(venue, new VenueTraits(true, Duration.ZERO));
  }
}
