package io.ticklake.connect.s3.qa;

/**
 * The outcome of one check on one partition.
 *
 * @param check the check
 * @param status PASS, FAIL, WARN (reported, does not fail the run) or SKIP (does not apply)
 * @param detail what was found, readable, with examples on a failure
 */
public record CheckResult(QaCheck check, Status status, String detail) {
  /** The outcome. */
  public enum Status {
    PASS,
    WARN,
    SKIP,
    FAIL
  }

  static CheckResult pass(QaCheck check, String detail) {
    return new CheckResult(check, Status.PASS, detail);
  }

  static CheckResult fail(QaCheck check, String detail) {
    return new CheckResult(check, Status.FAIL, detail);
  }

  static CheckResult skip(QaCheck check, String detail) {
    return new CheckResult(check, Status.SKIP, detail);
  }

  static CheckResult warn(QaCheck check, String detail) {
    return new CheckResult(check, Status.WARN, detail);
  }
}
