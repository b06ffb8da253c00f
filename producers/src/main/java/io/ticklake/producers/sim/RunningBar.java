package io.ticklake.producers.sim;

import io.ticklake.schema.v1.Trade;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * A venue simulator's running candle of one symbol and interval, kept up to date trade by trade
 * (a venue pushes its running candle after every trade: recomputing it from the period's trades
 * each time would cost as much as the period is long). Not thread-safe.
 */
public final class RunningBar {
  private final long stepSeconds;
  private long begin = Long.MIN_VALUE;
  private BigDecimal open;
  private BigDecimal high;
  private BigDecimal low;
  private BigDecimal close;
  private BigDecimal volume = BigDecimal.ZERO;
  private BigDecimal notional = BigDecimal.ZERO;
  private long count;

  public RunningBar(long stepSeconds) {
    this.stepSeconds = stepSeconds;
  }

  /**
   * Adds a trade; when it begins a later period, the bar starts over and the finished one is
   * returned (else {@code null}). A trade of an earlier period than the bar's is ignored.
   */
  public RunningBar add(Trade t) {
    long at = Math.floorDiv(t.getEventTime().getEpochSecond(), stepSeconds) * stepSeconds;
    RunningBar finished = null;
    if (at > begin) {
      if (count > 0) {
        finished = copy();
      }
      begin = at;
      open = null;
      high = null;
      low = null;
      close = null;
      volume = BigDecimal.ZERO;
      notional = BigDecimal.ZERO;
      count = 0;
    } else if (at < begin) {
      return null;
    }
    BigDecimal p = t.getPrice();
    open = open == null ? p : open;
    high = high == null || p.compareTo(high) > 0 ? p : high;
    low = low == null || p.compareTo(low) < 0 ? p : low;
    close = p;
    volume = volume.add(t.getSize());
    notional = notional.add(t.getSize().multiply(p));
    count++;
    return finished;
  }

  private RunningBar copy() {
    RunningBar c = new RunningBar(stepSeconds);
    c.begin = begin;
    c.open = open;
    c.high = high;
    c.low = low;
    c.close = close;
    c.volume = volume;
    c.notional = notional;
    c.count = count;
    return c;
  }

  public boolean isEmpty() {
    return count == 0;
  }

  /** The period's start, epoch seconds. */
  public long begin() {
    return begin;
  }

  public BigDecimal open() {
    return open;
  }

  public BigDecimal high() {
    return high;
  }

  public BigDecimal low() {
    return low;
  }

  public BigDecimal close() {
    return close;
  }

  public BigDecimal volume() {
    return volume;
  }

  /** Sum of price x size. */
  public BigDecimal notional() {
    return notional;
  }

  public long count() {
    return count;
  }

  /** The volume-weighted price at {@code scale} decimals. */
  public BigDecimal vwap(int scale) {
    return volume.signum() == 0 ? close : notional.divide(volume, scale, RoundingMode.HALF_EVEN);
  }
}
