package io.ticklake.producers.ws;

import java.time.Duration;
import java.util.Random;

/**
 * Exponential backoff with "equal jitter": the n-th delay is drawn uniformly from {@code [d/2, d]}
 * with {@code d = min(max, initial * 2^n)}. The cap bounds the delay, never the number of attempts:
 * a collector retries forever. Jitter keeps many collectors from reconnecting in lockstep after a
 * venue-wide outage. Not thread-safe.
 */
public final class Backoff {
  private final long initialNanos;
  private final long maxNanos;
  private final Random random;
  private int attempt;

  public Backoff(Duration initial, Duration max, Random random) {
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("need 0 < initial <= max, got " + initial + ", " + max);
    }
    this.initialNanos = initial.toNanos();
    this.maxNanos = max.toNanos();
    this.random = random;
  }

  /** The delay before the next attempt. */
  public Duration next() {
    long ceiling = ceiling(attempt);
    if (attempt < 62) {
      attempt++;
    }
    long half = ceiling / 2;
    return Duration.ofNanos(half + (long) (random.nextDouble() * (ceiling - half)));
  }

  /** The un-jittered delay of attempt {@code n} (the upper bound of its draw). */
  public long ceiling(int n) {
    if (n >= 62 || initialNanos > (maxNanos >> Math.min(n, 62))) {
      return maxNanos;
    }
    return Math.min(maxNanos, initialNanos << n);
  }

  /** Back to the initial delay, after a connection proved healthy. */
  public void reset() {
    attempt = 0;
  }

  public int attempts() {
    return attempt;
  }
}
