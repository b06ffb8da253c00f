package io.ticklake.ops.health;

/** Health of a venue feed, as the state machine in {@link VenueHealth} sees it. */
public enum HealthState {
  /** Data flows; fewer failures than the degraded threshold in the window. */
  HEALTHY,
  /** Failures reached the degraded threshold within the window. */
  DEGRADED,
  /** Failures reached the down threshold within the window. */
  DOWN
}
