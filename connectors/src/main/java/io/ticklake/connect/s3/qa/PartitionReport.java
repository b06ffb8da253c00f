package io.ticklake.connect.s3.qa;

import java.util.List;

/**
 * The checks of one partition.
 *
 * @param partition e.g. {@code trades/venue=binance-usdm/symbol=BTCUSDT/date=2024-05-01}
 * @param files the files read
 * @param rows the rows read
 * @param checks one result per check
 */
public record PartitionReport(String partition, int files, long rows, List<CheckResult> checks) {
  /** FAIL if any check failed, else WARN if any warned, else PASS. */
  public CheckResult.Status status() {
    if (checks.stream().anyMatch(c -> c.status() == CheckResult.Status.FAIL)) {
      return CheckResult.Status.FAIL;
    }
    return checks.stream().anyMatch(c -> c.status() == CheckResult.Status.WARN) ? CheckResult.Status.WARN : CheckResult.Status.PASS;
  }

  /** The failed checks. */
  public List<CheckResult> failures() {
    return checks.stream().filter(c -> c.status() == CheckResult.Status.FAIL).toList();
  }
}
