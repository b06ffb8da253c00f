package io.ticklake.producers.rest;

import java.net.http.HttpHeaders;

/**
 * Request weight per window, with the venue's own count read back from a header (e.g. {@code
 * X-MBX-USED-WEIGHT-1M}, weight per IP and minute): calls are held until the next window once
 * {@code stopFraction} of the budget would be used. Each call's weight is counted before its
 * answer tells, so calls in flight at once see each other.
 */
public final class WeightPolicy implements LimitPolicy {
  private final int budget;
  private final double stopFraction;
  private final long windowMillis;
  private final String usedWeightHeader;
  private long window = -1;
  private int used;

  /**
   * @param budget weight allowed per window
   * @param stopFraction share of the budget at which calls are held (0.8: stop at 80%)
   * @param windowMillis the window (60,000 for per-minute weight)
   * @param usedWeightHeader the header the venue reports its count in, or {@code null}
   */
  public WeightPolicy(int budget, double stopFraction, long windowMillis, String usedWeightHeader) {
    if (budget <= 0 || stopFraction <= 0 || stopFraction > 1 || windowMillis <= 0) {
      throw new IllegalArgumentException("weight budget " + budget + " stop at " + stopFraction + " per " + windowMillis + " ms");
    }
    this.budget = budget;
    this.stopFraction = stopFraction;
    this.windowMillis = windowMillis;
    this.usedWeightHeader = usedWeightHeader;
  }

  @Override
  public long acquire(String path, int cost, long nowMillis) {
    roll(nowMillis);
    if (used + cost > budget * stopFraction) {
      return (window + 1) * windowMillis - nowMillis + 50;
    }
    used += cost;
    return 0;
  }

  @Override
  public void observe(int status, HttpHeaders headers, long nowMillis) {
    if (usedWeightHeader == null) {
      return;
    }
    headers.firstValue(usedWeightHeader).ifPresent(w -> {
      try {
        int reported = Integer.parseInt(w.trim());
        if (nowMillis / windowMillis == window) {
          used = Math.max(used, reported);
        } else {
          window = nowMillis / windowMillis;
          used = reported;
        }
      } catch (NumberFormatException e) {
        // an unreadable count teaches nothing; our own count stands
      }
    });
  }

  private void roll(long nowMillis) {
    if (nowMillis / windowMillis != window) {
      window = nowMillis / windowMillis;
      used = 0;
    }
  }

  /** Weight used in the current window as far as we know. */
  public synchronized int used() {
    return used;
  }

  @Override
  public String describe() {
    return "weight " + used + "/" + budget + " per " + windowMillis / 1000 + "s (stop at " + (int) (stopFraction * 100) + "%)";
  }
}
