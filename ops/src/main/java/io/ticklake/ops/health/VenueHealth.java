package io.ticklake.ops.health;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * The health state machine of one venue. Failures are kept with their time in a sliding window;
 * a healthy venue becomes DEGRADED when the failures within the window reach the degraded
 * threshold, and DOWN when they reach the down threshold (from DEGRADED, or from HEALTHY at once
 * if several failures arrive together). A DEGRADED or DOWN venue becomes HEALTHY after the
 * configured number of consecutive successes, which also clears the window: the venue starts over.
 * A failure breaks a run of successes. Only changes are returned, so an alert per change never
 * repeats. Thread-safe. Time comes from the injected clock.
 */
public final class VenueHealth {
  private final String venue;
  private final HealthThresholds thresholds;
  private final Clock clock;
  private final Deque<Instant> failures = new ArrayDeque<>();
  private HealthState state = HealthState.HEALTHY;
  private int successes;
  private String lastReason = "";

  public VenueHealth(String venue, HealthThresholds thresholds, Clock clock) {
    this.venue = venue;
    this.thresholds = thresholds;
    this.clock = clock;
  }

  /** One failure (a failed probe or connection attempt, a drop, a timeout). */
  public synchronized Optional<Transition> failure(String reason) {
    Instant now = clock.instant();
    expire(now);
    failures.addLast(now);
    successes = 0;
    lastReason = reason;
    int n = failures.size();
    HealthState next = state;
    if (n >= thresholds.downFailures()) {
      next = HealthState.DOWN;
    } else if (n >= thresholds.degradedFailures() && state == HealthState.HEALTHY) {
      next = HealthState.DEGRADED;
    }
    return move(next, reason, now);
  }

  /** One success (the venue answered and data flowed). */
  public synchronized Optional<Transition> success(String reason) {
    Instant now = clock.instant();
    expire(now);
    successes++;
    if (state != HealthState.HEALTHY && successes >= thresholds.recoverySuccesses()) {
      Optional<Transition> t = move(HealthState.HEALTHY, reason, now);
      failures.clear();
      return t;
    }
    return Optional.empty();
  }

  private Optional<Transition> move(HealthState next, String reason, Instant now) {
    if (next == state) {
      return Optional.empty();
    }
    Transition t =
        new Transition(venue, state, next, failures.size(), successes, thresholds, reason, now);
    state = next;
    return Optional.of(t);
  }

  private void expire(Instant now) {
    Instant oldest = now.minus(thresholds.window());
    while (!failures.isEmpty() && !failures.peekFirst().isAfter(oldest)) {
      failures.removeFirst();
    }
  }

  public String venue() {
    return venue;
  }

  public synchronized HealthState state() {
    return state;
  }

  /** Failures within the window as of now. */
  public synchronized int failuresInWindow() {
    expire(clock.instant());
    return failures.size();
  }

  /** Consecutive successes so far. */
  public synchronized int successes() {
    return successes;
  }

  /** The reason given with the latest failure, or empty. */
  public synchronized String lastFailureReason() {
    return lastReason;
  }

  public HealthThresholds thresholds() {
    return thresholds;
  }
}
