package io.ticklake.connect.s3.qa;

import java.time.Duration;

/**
 * Thresholds of the QA suite.
 *
 * @param gapThreshold a silence longer than this is a gap (default 5 minutes)
 * @param minCoverage the share of expected minutes that must be present (default 0.999)
 * @param futureSkew event times up to this far past the QA clock are tolerated (clock skew; default 1 minute)
 */
public record QaSettings(Duration gapThreshold, double minCoverage, Duration futureSkew) {
  public static final Duration GAP_THRESHOLD_DEFAULT = Duration.ofMinutes(5);
  public static final double MIN_COVERAGE_DEFAULT = 0.999;
  public static final Duration FUTURE_SKEW_DEFAULT = Duration.ofMinutes(1);

  public static QaSettings defaults() {
    return new QaSettings(GAP_THRESHOLD_DEFAULT, MIN_COVERAGE_DEFAULT, FUTURE_SKEW_DEFAULT);
  }
}
