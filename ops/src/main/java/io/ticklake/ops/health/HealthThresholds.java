package io.ticklake.ops.health;

import java.time.Duration;

/**
 * When a venue changes state: {@code degradedFailures} failures within {@code window} make a
 * healthy venue DEGRADED, {@code downFailures} make it DOWN, and {@code recoverySuccesses}
 * consecutive successes bring a DEGRADED or DOWN venue back to HEALTHY.
 */
public record HealthThresholds(
    int degradedFailures, int downFailures, Duration window, int recoverySuccesses) {

  /** HEALTHY → DEGRADED at 3 failures within 60 minutes, → DOWN at 10; back after 3 successes. */
  public static final HealthThresholds DEFAULT = new HealthThresholds(3, 10, Duration.ofMinutes(60), 3);

  public HealthThresholds {
    if (degradedFailures < 1) {
      throw new IllegalArgumentException("the degraded threshold must be at least 1, got " + degradedFailures);
    }
    if (downFailures <= degradedFailures) {
      throw new IllegalArgumentException(
          "the down threshold (" + downFailures + ") must be above the degraded threshold (" + degradedFailures + ")");
    }
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("the failure window must be positive, got " + window);
    }
    if (recoverySuccesses < 1) {
      throw new IllegalArgumentException("the recovery successes must be at least 1, got " + recoverySuccesses);
    }
  }

  /** The window as people say it: {@code 60m}, {@code 90s}, {@code 2h}. */
  public String windowText() {
    long s = window.toSeconds();
    if (s % 3600 == 0 && s >= 7200) {
      return s / 3600 + "h";
    }
    return s % 60 == 0 ? s / 60 + "m" : s + "s";
  }
}
