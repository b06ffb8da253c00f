package io.ticklake.producers.rest;

/**
 * A token bucket: {@code ratePerSecond} tokens refill continuously up to {@code burst}; a call takes
 * its cost in tokens or waits until they have refilled (Coinbase: 10 requests per second per IP,
 * bursts up to 15; Kraken: about one per second).
 */
public final class TokenBucketPolicy implements LimitPolicy {
  private final double ratePerMilli;
  private final double burst;
  private double tokens;
  private long lastMillis = Long.MIN_VALUE;

  public TokenBucketPolicy(double ratePerSecond, double burst) {
    if (ratePerSecond <= 0 || burst < 1) {
      throw new IllegalArgumentException("token bucket of " + ratePerSecond + "/s, burst " + burst);
    }
    this.ratePerMilli = ratePerSecond / 1000.0;
    this.burst = burst;
    this.tokens = burst;
  }

  @Override
  public long acquire(String path, int cost, long nowMillis) {
    if (lastMillis != Long.MIN_VALUE && nowMillis > lastMillis) {
      tokens = Math.min(burst, tokens + (nowMillis - lastMillis) * ratePerMilli);
    }
    lastMillis = Math.max(lastMillis, nowMillis);
    double need = Math.min(cost, burst);
    if (tokens >= need) {
      tokens -= need;
      return 0;
    }
    return (long) Math.ceil((need - tokens) / ratePerMilli);
  }

  @Override
  public String describe() {
    return String.format("%.3g requests/s, burst %.0f", ratePerMilli * 1000, burst);
  }
}
