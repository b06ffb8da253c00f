package io.ticklake.ops.health;

import io.ticklake.schema.v1.AlertSeverity;
import java.time.Instant;

/**
 * A change of a venue's health state: the only thing that is alerted on.
 *
 * @param venue the venue id
 * @param from the state before
 * @param to the state after
 * @param failures failures within the window when the change happened
 * @param successes consecutive successes when the change happened
 * @param thresholds the thresholds in force
 * @param reason the cause: the last failure's, or why the venue counts as healthy again
 * @param time when the change was detected
 */
public record Transition(
    String venue,
    HealthState from,
    HealthState to,
    int failures,
    int successes,
    HealthThresholds thresholds,
    String reason,
    Instant time) {

  /** WARNING for DEGRADED, CRITICAL for DOWN, INFO for back to HEALTHY. */
  public AlertSeverity severity() {
    return switch (to) {
      case HEALTHY -> AlertSeverity.INFO;
      case DEGRADED -> AlertSeverity.WARNING;
      case DOWN -> AlertSeverity.CRITICAL;
    };
  }

  /**
   * The alert text, e.g. {@code <venue>: HEALTHY → DEGRADED | failures 3/10 in 60m | reason:
   * timeout}: failures against the down threshold, or successes against the recovery threshold.
   */
  public String message() {
    String figures =
        to == HealthState.HEALTHY
            ? "successes " + successes + "/" + thresholds.recoverySuccesses() + " in a row"
            : "failures " + failures + "/" + thresholds.downFailures() + " in " + thresholds.windowText();
    return venue + ": " + from + " → " + to + " | " + figures + " | reason: " + reason;
  }
}
