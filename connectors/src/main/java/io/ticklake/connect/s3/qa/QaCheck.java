package io.ticklake.connect.s3.qa;

/** The checks of the lake QA suite, by the name reports and the summary print. */
public enum QaCheck {
  /** Every file of the partition opens as Parquet. */
  READABLE("readable"),
  /** Each file the manifest lists exists with its recorded size, SHA-256 and row count. */
  MANIFEST_SHA256("manifest-sha256"),
  /** No primary key appears twice across the partition's files. */
  PK_UNIQUE("pk-unique"),
  /** Interval rows (candles, CVD, OFI windows) start on their interval's grid and span exactly one interval. */
  GRID_ALIGNED("grid-aligned"),
  /** Prices and sizes are finite and not negative. */
  FINITE_NON_NEGATIVE("finite-non-negative"),
  /** high >= max(open, close), low <= min(open, close), high >= low. */
  OHLC_VALID("ohlc-valid"),
  /** Candles in the lake are final ({@code closed = true}). */
  CLOSED_ONLY("closed-only"),
  /** No event time after the QA run's clock (plus a small skew). */
  NO_FUTURE("no-future"),
  /** Every row's event time falls in its partition's UTC date. */
  PARTITION_DATE("partition-date"),
  /** Event time never goes backwards per symbol, in each file's row order, and across compacted files. */
  EVENT_TIME_MONOTONIC("event-time-monotonic"),
  /** No silence longer than the gap threshold within the coverage window. */
  GAPS("gaps"),
  /** Present minutes are at least the required share of expected minutes; no day is missing. */
  COVERAGE("coverage");

  private final String label;

  QaCheck(String label) {
    this.label = label;
  }

  /** The name in reports, e.g. {@code pk-unique}. */
  public String label() {
    return label;
  }
}
